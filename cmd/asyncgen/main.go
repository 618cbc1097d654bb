// Command asyncgen compiles the //asyncgo:async functions of Go source files into
// resumable state machines that run on the rt runtime.
//
// Usage:
//
//	asyncgen [-sizes] [dir ...]
//	asyncgen [-sizes] -in SRC -out GEN
//
// # go generate mode
//
// A source file starts with
//
//	//go:build asyncsrc
//
//	//go:generate go run github.com/asyncgo/asyncgo/cmd/asyncgen
//
// and `go generate` runs asyncgen with $GOFILE set: asyncgen loads the
// package in the current directory as the asyncsrc build sees it and
// writes <name>_async.go beside <name>.go, constrained by
// //go:build !asyncsrc. Without $GOFILE, asyncgen translates every file
// whose build constraint requires asyncsrc, in the package of the current
// directory or of each directory given as an argument.
//
// # Tree mode
//
// With -in SRC -out GEN, asyncgen translates every package under SRC (as
// the asyncsrc build sees it, test files excluded) into the same relative
// directory under GEN. SRC and GEN must be inside the same module; import
// paths pointing inside SRC are rewritten to point inside GEN. Every Go
// file of the asyncsrc build is written to GEN under its own name: in GEN
// there is only one build, so the asyncsrc tag is removed from build
// constraints ("asyncsrc" disappears, "asyncsrc && linux" becomes
// "linux"), and files without it keep their constraint. Files excluded
// from the asyncsrc build (such as generated *_async.go files) and non-Go
// files are not copied.
//
// # Output
//
// Diagnostics are printed to standard error as file:line:col: message,
// sorted by position, with a hint on the following line. No file is
// written when there is any error. With -sizes, asyncgen prints the size
// in bytes (amd64) of each generated state struct.
//
// Exit status: 0 on success, 1 if there were diagnostics, 2 on bad usage.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/asyncgo/asyncgo/transform"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type output struct {
	path string
	src  []byte
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("asyncgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "translate the tree of packages under `dir` (with -out)")
	out := fs.String("out", "", "write the translated tree to `dir` (with -in)")
	sizes := fs.Bool("sizes", false, "print the size of each generated state struct")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: asyncgen [-sizes] [dir ...]\n       asyncgen [-sizes] -in SRC -out GEN\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*in == "") != (*out == "") || (*in != "" && fs.NArg() > 0) {
		fs.Usage()
		return 2
	}
	var outs []output
	var diags transform.Diagnostics
	var szs []transform.StructSize
	var err error
	if *in != "" {
		outs, szs, diags, err = treeMode(*in, *out)
	} else {
		outs, szs, diags, err = generateMode(fs.Args())
	}
	if err != nil {
		fmt.Fprintf(stderr, "asyncgen: %v\n", err)
		return 1
	}
	diags.Sort()
	cwd, _ := os.Getwd()
	for _, d := range diags {
		if rel, err := filepath.Rel(cwd, d.Pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
			d.Pos.Filename = rel
		}
		fmt.Fprintln(stderr, d.String())
	}
	if diags.HasErrors() {
		return 1
	}
	for _, o := range outs {
		if err := os.MkdirAll(filepath.Dir(o.path), 0o777); err != nil {
			fmt.Fprintf(stderr, "asyncgen: %v\n", err)
			return 1
		}
		if err := os.WriteFile(o.path, o.src, 0o666); err != nil {
			fmt.Fprintf(stderr, "asyncgen: %v\n", err)
			return 1
		}
	}
	if *sizes {
		w := bufio.NewWriter(stdout)
		for _, s := range szs {
			if rel, err := filepath.Rel(cwd, s.Pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
				s.Pos.Filename = rel
			}
			if s.Size < 0 {
				fmt.Fprintf(w, "%s: %s: size unknown (generic or foreign fields)\n", s.Pos, s.Name)
			} else {
				fmt.Fprintf(w, "%s: %s: %d bytes\n", s.Pos, s.Name, s.Size)
			}
		}
		w.Flush()
	}
	return 0
}

// requiresTag reports whether the file's build constraint requires asyncsrc.
func requiresTag(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) {
				x, err := constraint.Parse(c.Text)
				return err == nil && !x.Eval(func(tag string) bool { return tag != transform.BuildTag })
			}
		}
	}
	return false
}

// generateMode translates $GOFILE, or the asyncsrc files of the packages in dirs.
func generateMode(dirs []string) ([]output, []transform.StructSize, transform.Diagnostics, error) {
	gofile := os.Getenv("GOFILE")
	// A generated file carries its source's //go:generate line, so that
	// "go generate ./..." in the default build (which excludes the asyncsrc
	// source) reaches it: translate the source it was generated from.
	gofile = sourceOfGenerated(gofile)
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	if gofile != "" {
		dirs = []string{"."}
	}
	var outs []output
	var szs []transform.StructSize
	var diags transform.Diagnostics
	for _, dir := range dirs {
		pkgs, err := transform.Load(dir, ".")
		if err != nil {
			return nil, nil, nil, err
		}
		if len(pkgs) != 1 {
			return nil, nil, nil, fmt.Errorf("%s: expected one package, found %d", dir, len(pkgs))
		}
		pkg := pkgs[0]
		found := false
		for _, f := range pkg.Syntax {
			name := pkg.Fset.File(f.Pos()).Name()
			if gofile != "" {
				if filepath.Base(name) != gofile {
					continue
				}
			} else if !requiresTag(f) {
				continue
			}
			found = true
			src, sz, ds := transform.TranslateFile(pkg, f, transform.Options{})
			diags = append(diags, ds...)
			szs = append(szs, sz...)
			if src != nil {
				outs = append(outs, output{path: strings.TrimSuffix(name, ".go") + "_async.go", src: src})
			}
		}
		if gofile != "" && !found {
			if len(pkg.Errors) > 0 {
				return nil, nil, nil, fmt.Errorf("%s: %v", dir, pkg.Errors[0])
			}
			return nil, nil, nil, fmt.Errorf("%s is not part of the asyncsrc build of the package in %s (is its build constraint \"//go:build asyncsrc\"?)", gofile, dir)
		}
	}
	return outs, szs, diags, nil
}

// treeMode translates every package under src into gen.
func treeMode(src, gen string) ([]output, []transform.StructSize, transform.Diagnostics, error) {
	src, _ = filepath.Abs(src)
	gen, _ = filepath.Abs(gen)
	root, modPath, err := findModule(src)
	if err != nil {
		return nil, nil, nil, err
	}
	relSrc, err1 := filepath.Rel(root, src)
	relGen, err2 := filepath.Rel(root, gen)
	if err1 != nil || err2 != nil || strings.HasPrefix(relGen, "..") {
		return nil, nil, nil, fmt.Errorf("-out %s must be inside the module of -in (%s)", gen, root)
	}
	srcPath := joinPath(modPath, relSrc)
	genPath := joinPath(modPath, relGen)
	rewrite := func(p string) string {
		if p == srcPath || strings.HasPrefix(p, srcPath+"/") {
			return genPath + strings.TrimPrefix(p, srcPath)
		}
		return p
	}
	pkgs, err := transform.Load(src, "./...")
	if err != nil {
		return nil, nil, nil, err
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].PkgPath < pkgs[j].PkgPath })
	var outs []output
	var szs []transform.StructSize
	var diags transform.Diagnostics
	for _, pkg := range pkgs {
		for _, f := range pkg.Syntax {
			name := pkg.Fset.File(f.Pos()).Name()
			rel, err := filepath.Rel(src, name)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			s, sz, ds := transform.TranslateFile(pkg, f, transform.Options{RewriteImport: rewrite, PkgPath: rewrite(pkg.PkgPath), Tree: true})
			diags = append(diags, ds...)
			szs = append(szs, sz...)
			if s != nil {
				outs = append(outs, output{path: filepath.Join(gen, rel), src: s})
			}
		}
	}
	return outs, szs, diags, nil
}

func joinPath(mod, rel string) string {
	if rel == "." {
		return mod
	}
	return mod + "/" + filepath.ToSlash(rel)
}

// findModule returns the root directory and module path of the module
// containing dir.
func findModule(dir string) (string, string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			for _, line := range bytes.Split(data, []byte("\n")) {
				f := strings.Fields(string(line))
				if len(f) >= 2 && f[0] == "module" {
					return d, strings.Trim(f[1], `"`), nil
				}
			}
			return "", "", fmt.Errorf("%s/go.mod has no module line", d)
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("%s is not inside a module", dir)
		}
	}
}

// sourceOfGenerated maps a generated file name x_async.go to its source
// x.go; other names are returned unchanged.
func sourceOfGenerated(name string) string {
	if base, ok := strings.CutSuffix(name, "_async.go"); ok {
		return base + ".go"
	}
	return name
}
