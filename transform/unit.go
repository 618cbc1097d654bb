package transform

import (
	"go/ast"
	"go/token"
	"go/types"
)

// A unit is one async function being lowered, with everything the stages
// compute about it. Stages fill it in order: find (sites), normalise
// (body), blocks (blocks), liveness (live), layout (names, fields).
type unit struct {
	decl *ast.FuncDecl
	fn   *types.Func
	// For an async func literal: the literal, how it is used, and the
	// variables of the enclosing function it captures (by reference).
	lit      *ast.FuncLit
	litKind  litKind
	captures []*types.Var
	sig      *types.Signature
	name     string // prefix of the generated names: "F" or, for a method, "TM"

	pkg  *types.Package
	info *types.Info
	find *finder

	// objs maps identifiers introduced by normalise (temporaries) to
	// their synthetic objects; other identifiers are in info.
	objs map[*ast.Ident]types.Object
	// sites maps each suspension call of the normalised body to its site.
	sites  map[*ast.CallExpr]*site
	nsites int // sites registered by normalise (blocks renumbers them in block order)

	body   *ast.BlockStmt // normalised body
	blocks []*block       // basic blocks, entry first

	// locals are the variables declared at the flattened level of the
	// body (not inside carried-over statements), in declaration order.
	locals   []*types.Var
	isLocal  map[types.Object]bool
	escaping map[types.Object]bool // address taken or captured by a closure
	loopVars map[types.Object]token.Pos
	hoisted  map[types.Object]bool // locals live across a suspension point
}

// objOf returns the object an identifier denotes or declares.
func (u *unit) objOf(id *ast.Ident) types.Object {
	if o, ok := u.objs[id]; ok {
		return o
	}
	if o := u.info.Defs[id]; o != nil {
		return o
	}
	return u.info.Uses[id]
}

// typeOf returns the type of an expression of the normalised body.
func (u *unit) typeOf(e ast.Expr) types.Type {
	if id, ok := e.(*ast.Ident); ok {
		if o := u.objOf(id); o != nil {
			return o.Type()
		}
	}
	return u.info.TypeOf(e)
}
