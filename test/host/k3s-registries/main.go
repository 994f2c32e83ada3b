// Reads a registries.yaml as k3s does (rancher/wharfie's registries package, which k3s's agent uses for
// containerd's mirrors) and prints what it understood, as JSON. Run by test/host/embedded-k3s.test.ts.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/rancher/wharfie/pkg/registries"
)

func main() {
	r, err := registries.GetPrivateRegistries(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(r.Registry)
}
