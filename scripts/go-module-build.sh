# Sourced by the install-*.sh scripts. Builds a command from a Go module fetched through the module
# proxy: `go install module@version` needs the proxy's version list, which is not reachable here, so
# the module is downloaded into the module cache and built in place, static and trimmed.
# Usage: need_go WHO MINOR WHAT (fails unless go 1.MINOR or newer is installed, naming WHAT it builds)
#        go_module_file FIELD MODULE@VERSION (downloads it; prints Dir, GoMod or Info of `go mod download -json`)
#        build_go_module MODULE VERSION PACKAGE OUTPUT LDFLAGS
need_go() {
  local who=$1 need=$2 what=$3 minor
  if ! command -v go >/dev/null; then
    echo "$who: Go is required (>= 1.$need) to build $what" >&2
    exit 1
  fi
  minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
  if [ "$minor" -lt "$need" ]; then
    echo "$who: $what needs Go >= 1.$need, found $(go env GOVERSION)" >&2
    exit 1
  fi
}

go_module_file() {
  go mod download -json "$2" | sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}$/\1/p"
}

build_go_module() {
  local module=$1 version=$2 package=$3 output=$4 ldflags=$5 dir
  dir="$(go_module_file Dir "$module@$version")"
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "could not download $module@$version" >&2
    return 1
  fi
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$output.partial" "$package")
  mv "$output.partial" "$output"
}
