# Sourced by the install-*.sh scripts. Builds a command from a Go module fetched through the module
# proxy: `go install module@version` needs the proxy's version list, which is not reachable here, so
# the module is downloaded into the module cache and built in place, static and trimmed.
# Usage: build_go_module MODULE VERSION PACKAGE OUTPUT LDFLAGS
build_go_module() {
  local module=$1 version=$2 package=$3 output=$4 ldflags=$5 dir
  dir="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "could not download $module@$version" >&2
    return 1
  fi
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$output.partial" "$package")
  mv "$output.partial" "$output"
}
