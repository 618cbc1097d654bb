package transform

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"
)

// fastLoader type-checks single-file packages in process, importing
// dependencies from source through one shared importer, so that the
// front-end tests can feed hundreds of inputs to TranslateFile without a
// go list run for each (loadUnitQuiet costs about a second per input).
var fastLoader struct {
	once sync.Once
	mu   sync.Mutex
	fset *token.FileSet
	imp  types.Importer
}

// fastLoad is loadUnitQuiet without go list: src is parsed as
// testdata/unit/unit.go and type-checked; type errors go to pkg.Errors.
// It returns a nil file when src does not parse.
func fastLoad(t testing.TB, src string) (*packages.Package, *ast.File) {
	t.Helper()
	fastLoader.once.Do(func() {
		fastLoader.fset = token.NewFileSet()
		fastLoader.imp = importer.ForCompiler(fastLoader.fset, "source", nil)
	})
	fastLoader.mu.Lock()
	defer fastLoader.mu.Unlock()
	dir, _ := filepath.Abs("testdata/unit")
	fset := fastLoader.fset
	f, err := parser.ParseFile(fset, filepath.Join(dir, "unit.go"), src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || f == nil || f.Name == nil {
		return nil, nil
	}
	pkg := &packages.Package{
		ID: "unit", Name: f.Name.Name, PkgPath: "github.com/asyncgo/asyncgo/transform/testdata/unit",
		Fset: fset, Syntax: []*ast.File{f}, TypesSizes: types.SizesFor("gc", "amd64"),
		TypesInfo: &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{}, Instances: map[*ast.Ident]types.Instance{},
			Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
			Implicits: map[ast.Node]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
			Scopes: map[ast.Node]*types.Scope{}, FileVersions: map[*ast.File]string{},
		},
	}
	conf := types.Config{
		Importer: fastLoader.imp, Sizes: pkg.TypesSizes, GoVersion: "go1.26",
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				pkg.Errors = append(pkg.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
			}
		},
	}
	pkg.Types, _ = conf.Check(pkg.PkgPath, fset, pkg.Syntax, pkg.TypesInfo)
	return pkg, f
}
