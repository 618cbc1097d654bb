package progen

import (
	"bytes"
	"go/parser"
	"go/token"
	"regexp"
	"testing"
)

func TestDeterministic(t *testing.T) {
	c := Config{Seed: 42, Units: 3, Features: All}
	if a, b := Generate(c), Generate(c); !bytes.Equal(a, b) {
		t.Fatal("same config, different programs")
	}
	if bytes.Equal(Generate(c), Generate(Config{Seed: 43, Units: 3, Features: All})) {
		t.Fatal("different seeds, same program")
	}
}

// TestSingle checks that unit k of a program is, up to its names, the
// only unit of the program Single(k) describes.
func TestSingle(t *testing.T) {
	c := Config{Seed: 9, Units: 4}
	big := string(Generate(c))
	norm := regexp.MustCompile(`u\d+(f\d+|main)`)
	for k := 0; k < c.Units; k++ {
		small := string(Generate(c.Single(k)))
		unit := regexp.MustCompile(`(?s)//asyncgo:async\nfunc u` + itoa(k) + `f0\(.*?\nfunc u` + itoa(k) + `main\(\) \{.*?\n}\n`).FindString(big)
		if unit == "" {
			t.Fatalf("unit %d not found", k)
		}
		if !bytes.Contains([]byte(norm.ReplaceAllString(small, "X")), []byte(norm.ReplaceAllString(unit, "X"))) {
			t.Errorf("unit %d differs from Single(%d)", k, k)
		}
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestParses(t *testing.T) {
	for s := uint64(0); s < 50; s++ {
		for _, f := range []Feature{Supported, All, If | For} {
			src := Generate(Config{Seed: s, Units: 2, Features: f})
			if _, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0); err != nil {
				t.Fatalf("seed %d features %s: %v", s, f, err)
			}
		}
	}
	files := GeneratePackage(Config{Seed: 1, Units: 5}, 3)
	if len(files) != 3 {
		t.Fatalf("GeneratePackage: %d files, want 3", len(files))
	}
}

func TestParseFeatures(t *testing.T) {
	f, err := ParseFeatures("all,-goto, switch")
	if err != nil || f != All&^Goto {
		t.Errorf("ParseFeatures = %v, %v", f, err)
	}
	if _, err := ParseFeatures("nope"); err == nil {
		t.Error("unknown feature accepted")
	}
	if f, _ := ParseFeatures(Supported.String()); f != Supported {
		t.Errorf("String/ParseFeatures round trip: %v", f)
	}
}
