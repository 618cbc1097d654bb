package transform

import (
	"os"
	"testing"

	"github.com/asyncgo/asyncgo/internal/buildtest"
)

// TestMain removes the binaries buildtest built once the tests are done.
func TestMain(m *testing.M) { os.Exit(buildtest.Main(m)) }
