package deploy

import (
	"fmt"
	"os"
	"testing"
)

// scratch holds what the tests build once (the docket binary); TestMain
// removes it.
var scratch string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "docket-deploy-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploy: scratch dir:", err)
		os.Exit(1)
	}
	scratch = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the repository root, relative to this package's directory
// (where go test runs): the build context of deploy/Dockerfile.
const repoRoot = ".."
