package transform

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzTranslate checks that the front end never panics (nor reports an
// internal error) on arbitrary source text, and that whatever it emits
// parses. Run with: go test ./transform -fuzz FuzzTranslate
func FuzzTranslate(f *testing.F) {
	for _, s := range malformedInputs {
		f.Add(s)
	}
	cases, _ := filepath.Glob("../testdata/*/main.go")
	for _, c := range cases {
		if data, err := os.ReadFile(c); err == nil {
			f.Add(strings.Replace(string(data), "package main", "package unit", 1))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		pkg, file := loadUnitQuiet(t, src)
		if file == nil {
			return
		}
		out, _, diags := TranslateFile(pkg, file, Options{})
		for _, d := range diags {
			if strings.Contains(d.Msg, "internal error") {
				t.Fatalf("internal error: %s", d)
			}
		}
		if out != nil {
			if _, err := parser.ParseFile(token.NewFileSet(), "out.go", out, 0); err != nil {
				t.Fatalf("output does not parse: %v\n%s", err, out)
			}
		}
	})
}
