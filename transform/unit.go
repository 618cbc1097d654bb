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
	lit  *ast.FuncLit
	encl *ast.FuncDecl // the function enclosing lit
	// recursive are the async callees that call this function back: their
	// child futures are kept behind a pointer.
	recursive map[*types.Func]bool
	// direct: the function never suspends (neverSuspending); its bridge
	// is its own body and its future just calls it.
	direct bool
	// perIteration: loop variables of three-clause loops are per
	// iteration (the file's Go version is 1.22 or later).
	perIteration bool
	litKind      litKind
	captures     []*types.Var
	sig          *types.Signature
	name         string // prefix of the generated names: "F" or, for a method, "TM"

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
	// Per block (by id): locals live on entry, live on exit, referenced.
	liveIn, liveOut, refd []map[types.Object]bool

	// Lowered switches (normalise): the new switch statement -> its tests.
	switches     map[*ast.SwitchStmt]*switchLow
	typeSwitches map[*ast.TypeSwitchStmt]*typeSwitchLow
	// synth maps identifiers made up by normalise for package-level
	// functions it calls (utf8.DecodeRuneInString, ...) to their package.
	synth map[*ast.Ident]string
	// synthType maps identifiers made up by normalise for types.
	synthType map[*ast.Ident]types.Type
	// marks are statements made up by normalise that the emitter
	// expands (the end of a range-over-function loop).
	marks map[ast.Stmt]*mark
	// pulls are identifiers standing for the pull iterator of a range
	// over an iterator function.
	pulls map[*ast.Ident]*pullInfo
	// defersRef are identifiers standing for the defer stack field.
	defersRef map[*ast.Ident]bool
	// Labels of flattened statements: targets of break/continue and goto.
	labelCtx   map[types.Object]*loopCtx
	labelBlock map[types.Object]*block
}

// newTemp returns a fresh temporary of type t (its default type, for an
// untyped constant).
func (u *unit) newTemp(pos token.Pos, t types.Type) *ast.Ident {
	id := &ast.Ident{NamePos: pos, Name: "tmp"}
	u.objs[id] = types.NewVar(pos, u.pkg, "tmp", types.Default(t))
	return id
}

// newUnit returns a unit for the async function decl (or literal).
func newUnit(decl *ast.FuncDecl, fn *types.Func, sig *types.Signature, pkg *types.Package, info *types.Info, fd *finder) *unit {
	return &unit{decl: decl, fn: fn, sig: sig, pkg: pkg, info: info, find: fd,
		objs: map[*ast.Ident]types.Object{}, sites: map[*ast.CallExpr]*site{}, loopVars: map[types.Object]token.Pos{},
		switches: map[*ast.SwitchStmt]*switchLow{}, typeSwitches: map[*ast.TypeSwitchStmt]*typeSwitchLow{},
		synth: map[*ast.Ident]string{}, synthType: map[*ast.Ident]types.Type{}, marks: map[ast.Stmt]*mark{}, defersRef: map[*ast.Ident]bool{}, pulls: map[*ast.Ident]*pullInfo{}, labelCtx: map[types.Object]*loopCtx{}, labelBlock: map[types.Object]*block{}}
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

// A mark is a statement the emitter expands: the end of a range over an
// iterator function (pop), or the depth of the defer stack (depth := ...).
type mark struct {
	pop         bool // the end of the loop (else: the deferred stop)
	stop, depth ast.Expr
	// rebox lists the variables of a three-clause loop: before the post
	// statement, each boxed one gets a new variable holding its value
	// (per-iteration loop variables, go1.22 and later).
	rebox []types.Object
}

// pullInfo is the pull iterator of a range over seq, whose yield takes
// values of types elems.
type pullInfo struct {
	seq   ast.Expr
	elems []types.Type
}
