package transform

// This file is the "blocks" stage: the normalised body becomes a graph of
// basic blocks. Only statements that contain a suspension point (and the
// if/for/block statements around them) are flattened into blocks;
// every other statement is carried over whole, as one entry of a block's
// statement list.

import (
	"go/ast"
	"go/token"
	"go/types"
)

type termKind int

const (
	termNone   termKind = iota // still being built (or falls off the end)
	termJump                   // goto succs[0]
	termIf                     // if cond goto succs[0] else goto succs[1]
	termReturn                 // set results, finish
	termAwait                  // start the child of site, continue in succs[0] (the resume block)
)

// A block is a basic block of the state machine.
type block struct {
	id    int
	stmts []ast.Stmt // simple statements and carried-over statements
	ctx   *loopCtx   // innermost flattened loop or switch around the block, or nil

	kind  termKind
	succs []*block
	cond  ast.Expr        // termIf
	ret   *ast.ReturnStmt // termReturn; nil for falling off the end
	pos   token.Pos       // position of the terminating statement
	site  *site           // termAwait
	await ast.Stmt        // termAwait: the canonical statement (ExprStmt or AssignStmt)

	resume *site // this block is where site resumes: it starts by polling the child

	// side are the targets of break, continue and goto statements inside
	// the block's last (carried-over) statement that leave it; such a
	// statement always ends its block, so that liveness sees the exits at
	// the right place. The targets are resolved late (a loop's exit is
	// created after its body, a goto may jump forward).
	side []func() *block
}

// sides returns the targets of side exits.
func (b *block) sides() []*block {
	var out []*block
	for _, f := range b.side {
		if t := f(); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// edges returns all successors, including side exits.
func (b *block) edges() []*block {
	if len(b.side) == 0 {
		return b.succs
	}
	return append(append([]*block(nil), b.succs...), b.sides()...)
}

// loopCtx gives the targets of break and continue in a flattened loop or
// switch (cont is nil for a switch: continue goes to the enclosing loop).
type loopCtx struct {
	brk, cont *block
	loop      bool
	parent    *loopCtx
}

// contCtx returns the innermost loop of c's chain.
func (c *loopCtx) contCtx() *loopCtx {
	for c != nil && !c.loop {
		c = c.parent
	}
	return c
}

type builder struct {
	ctx    *loopCtx // innermost flattened loop or switch being built
	label  types.Object
	fall   func() *block // target of a fallthrough ending the clause being built
	nsite  int
	fixups []func()
	u      *unit
	r      *reporter
	blocks []*block
}

// buildBlocks sets u.blocks from u.body.
func buildBlocks(u *unit, r *reporter) {
	b := &builder{u: u, r: r}
	entry := b.newBlock()
	if end := b.list(u.body.List, entry); end != nil {
		end.kind = termReturn
		end.pos = u.body.Rbrace
	}
	for _, f := range b.fixups {
		f()
	}
	u.blocks = b.blocks
}

func (b *builder) newBlock() *block {
	bl := &block{id: len(b.blocks), ctx: b.ctx}
	b.blocks = append(b.blocks, bl)
	return bl
}

func (b *builder) jump(from, to *block) {
	if from != nil {
		from.kind = termJump
		from.succs = []*block{to}
	}
}

// jumpLater ends from with a jump to a target known only when the whole
// body has been built.
func (b *builder) jumpLater(from *block, to func() *block) {
	if from == nil {
		return
	}
	from.kind = termJump
	b.fixups = append(b.fixups, func() {
		if t := to(); t != nil {
			b.jump(from, t)
		} else {
			b.r.errorf(from.pos, "", "internal error: branch without a target")
		}
	})
}

// list adds stmts to cur and returns the block control reaches after them,
// or nil if it cannot fall through.
func (b *builder) list(stmts []ast.Stmt, cur *block) *block {
	b.preLabels(stmts)
	for _, s := range stmts {
		if cur == nil {
			cur = b.newBlock() // unreachable code; dropped by the emitter
		}
		cur = b.stmt(s, cur)
	}
	return cur
}

func (b *builder) canonicalSite(s ast.Stmt) *site {
	var x ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		x = s.X
	case *ast.AssignStmt:
		if len(s.Rhs) == 1 {
			x = s.Rhs[0]
		}
	}
	if c, ok := x.(*ast.CallExpr); ok {
		return b.u.sites[c]
	}
	return nil
}

// labelOf returns the label object of a branch statement, or nil.
func (u *unit) labelOf(s *ast.BranchStmt) types.Object {
	if s.Label == nil {
		return nil
	}
	return u.info.Uses[s.Label]
}

// branchTarget returns the target of a branch statement that leaves the
// flattened code it is in, given the innermost flattened context and
// whether the statement is nested in breakable statements or loops of
// carried-over code; nil if it stays inside carried-over code.
func (u *unit) branchTarget(s *ast.BranchStmt, ctx *loopCtx, breakables, loops int) func() *block {
	if l := u.labelOf(s); l != nil {
		switch s.Tok {
		case token.GOTO:
			if _, ok := u.labelBlock[l]; !ok {
				return nil // a label of carried-over code
			}
			return func() *block { return u.labelBlock[l] }
		case token.BREAK, token.CONTINUE:
			lc, ok := u.labelCtx[l]
			if !ok {
				return nil
			}
			if s.Tok == token.BREAK {
				return func() *block { return lc.brk }
			}
			return func() *block { return lc.cont }
		}
		return nil
	}
	switch s.Tok {
	case token.BREAK:
		if breakables == 0 && ctx != nil {
			return func() *block { return ctx.brk }
		}
	case token.CONTINUE:
		if lc := ctx.contCtx(); loops == 0 && lc != nil {
			return func() *block { return lc.cont }
		}
	}
	return nil
}

// exits returns the targets of the branch statements of a carried-over
// statement that leave it.
func (b *builder) exits(s ast.Stmt, ctx *loopCtx) []func() *block {
	var out []func() *block
	var walk func(n ast.Node, breakables, loops int)
	walk = func(n ast.Node, breakables, loops int) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				walk(m, breakables+1, loops+1)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(m, breakables+1, loops)
				return false
			case *ast.BranchStmt:
				if t := b.u.branchTarget(m, ctx, breakables, loops); t != nil {
					out = append(out, t)
				}
			}
			return true
		})
	}
	walk(&ast.BlockStmt{List: []ast.Stmt{s}}, 0, 0)
	return out
}

// declaresLabels records the labels of flattened labeled statements in s
// before s is built, so that forward gotos find them.
func (b *builder) preLabels(stmts []ast.Stmt) {
	for _, s := range stmts {
		if ls, ok := s.(*ast.LabeledStmt); ok {
			if l := b.u.info.Defs[ls.Label]; l != nil {
				if _, ok := b.u.labelBlock[l]; !ok {
					b.u.labelBlock[l] = nil // known, block not built yet
				}
			}
		}
	}
}

func (b *builder) stmt(s ast.Stmt, cur *block) *block {
	label := b.label // set when s is the statement of a flattened label
	b.label = nil
	if st := b.canonicalSite(s); st != nil {
		b.nsite++
		st.index = b.nsite
		cur.kind = termAwait
		cur.site = st
		cur.await = s
		st.stmt = s
		cur.pos = s.Pos()
		next := b.newBlock()
		next.resume = st
		cur.succs = []*block{next}
		return next
	}
	switch s := s.(type) {
	case *ast.ReturnStmt:
		cur.kind = termReturn
		cur.ret = s
		cur.pos = s.Pos()
		return nil
	case *ast.BranchStmt:
		if s.Tok == token.FALLTHROUGH && b.fall != nil {
			cur.pos = s.Pos()
			b.jumpLater(cur, b.fall)
			return nil
		}
		if t := b.u.branchTarget(s, cur.ctx, 0, 0); t != nil {
			cur.pos = s.Pos()
			b.jumpLater(cur, t)
			return nil
		}
	case *ast.LabeledStmt:
		// A label starts a block: the target of gotos. The labeled
		// statement is built with the label as its break/continue target
		// if it is flattened; carried over, it keeps the label only if
		// break or continue inside it refer to it.
		l := b.u.info.Defs[s.Label]
		lb := b.newBlock()
		lb.pos = s.Pos()
		b.jump(cur, lb)
		b.u.labelBlock[l] = lb
		if b.u.find.containsSuspend(s.Stmt) || b.hasSite(s.Stmt) || b.lowered(s.Stmt) {
			b.label = l
			return b.stmt(s.Stmt, lb)
		}
		if refersTo(b.u, s.Stmt, l) {
			return b.carry(s, lb)
		}
		return b.stmt(s.Stmt, lb)
	}
	if !b.u.find.containsSuspend(s) && !b.hasSite(s) && !b.lowered(s) {
		return b.carry(s, cur)
	}
	switch s := s.(type) {
	case *ast.BlockStmt:
		// A labeled block made by normalise (init statements and spills
		// before a loop or switch): the label is the loop's or switch's
		// (Go has no break or continue of a labeled block).
		b.preLabels(s.List)
		labeled := -1
		for i, x := range s.List {
			switch x.(type) {
			case *ast.ForStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt:
				labeled = i
			}
		}
		for i, x := range s.List {
			if cur == nil {
				cur = b.newBlock()
			}
			if i == labeled {
				b.label = label
			}
			cur = b.stmt(x, cur)
		}
		b.label = nil
		return cur
	case *ast.IfStmt:
		if s.Init != nil {
			cur = b.stmt(s.Init, cur)
			if cur == nil {
				return nil
			}
		}
		cur.kind = termIf
		cur.cond = s.Cond
		cur.pos = s.Pos()
		then := b.newBlock()
		thenEnd := b.list(s.Body.List, then)
		var els, elsEnd *block
		if s.Else != nil {
			els = b.newBlock()
			elsEnd = b.stmt(s.Else, els)
		}
		end := b.newBlock()
		if els == nil {
			els = end
		} else {
			b.jump(elsEnd, end)
		}
		cur.succs = []*block{then, els}
		b.jump(thenEnd, end)
		return end
	case *ast.ForStmt:
		var loopVars []types.Object
		if s.Init != nil {
			for _, is := range s.Init.(*ast.BlockStmt).List {
				if as, ok := is.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
					for _, l := range as.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							if o := b.u.objOf(id); o != nil && b.u.info.Defs[id] == o {
								b.u.loopVars[o] = id.Pos()
								loopVars = append(loopVars, o)
							}
						}
					}
				}
			}
			cur = b.list(s.Init.(*ast.BlockStmt).List, cur)
			if cur == nil {
				return nil
			}
		}
		outer := b.ctx
		head := b.newBlock()
		b.jump(cur, head)
		head.pos = s.Pos()
		lc := &loopCtx{loop: true, parent: outer}
		if label != nil {
			b.u.labelCtx[label] = lc
		}
		b.ctx = lc
		saveFall := b.fall
		b.fall = nil
		body := b.newBlock()
		bodyEnd := b.list(s.Body.List, body)
		b.ctx = outer
		b.fall = saveFall
		var post *block
		var rebox ast.Stmt
		if len(loopVars) > 0 && b.u.perIteration {
			// Before the post statement, each loop variable that is
			// boxed (captured or address taken) becomes a new variable.
			rebox = &ast.ExprStmt{X: &ast.Ident{NamePos: s.Pos(), Name: "_"}}
			b.u.marks[rebox] = &mark{rebox: loopVars}
		}
		if s.Post != nil || rebox != nil {
			post = b.newBlock()
			lc.cont = post
		} else {
			lc.cont = head
		}
		if post != nil {
			var list []ast.Stmt
			if rebox != nil {
				list = append(list, rebox)
			}
			if s.Post != nil {
				list = append(list, s.Post.(*ast.BlockStmt).List...)
			}
			postEnd := b.list(list, post)
			b.jump(postEnd, head)
		}
		exit := b.newBlock()
		lc.brk = exit
		b.jump(bodyEnd, lc.cont)
		if s.Cond != nil {
			head.kind = termIf
			head.cond = s.Cond
			head.succs = []*block{body, exit}
		} else {
			b.jump(head, body)
		}
		return exit
	case *ast.SwitchStmt:
		if sw := b.u.switches[s]; sw != nil {
			return b.switchStmt(s.Body.List, sw.tests, nil, label, cur)
		}
	case *ast.TypeSwitchStmt:
		if ts := b.u.typeSwitches[s]; ts != nil {
			return b.switchStmt(s.Body.List, ts.tests, ts.prologue, label, cur)
		}
	}
	b.r.errorf(s.Pos(), "", "internal error: unexpected statement containing a suspension point")
	cur.stmts = append(cur.stmts, s)
	return cur
}

// carry adds a statement that is carried over whole to cur; a branch
// out of it ends the block.
func (b *builder) carry(s ast.Stmt, cur *block) *block {
	cur.stmts = append(cur.stmts, s)
	if side := b.exits(s, cur.ctx); len(side) > 0 {
		cur.side = side
		next := b.newBlock()
		b.jump(cur, next)
		return next
	}
	return cur
}

// lowered reports whether s is a switch that normalise lowered.
func (b *builder) lowered(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.SwitchStmt:
		return b.u.switches[s] != nil
	case *ast.TypeSwitchStmt:
		return b.u.typeSwitches[s] != nil
	}
	return false
}

// switchStmt builds a lowered switch: a chain of tests in source order
// (the first that holds wins), then the clause bodies in source order,
// then the exit. Each test is a list of statements (the spills of a case
// expression) and a condition. A body ends with a jump to the exit, or to
// the next body for fallthrough. prologue, if set, gives statements that
// start a clause body (the clause variable of a type switch).
func (b *builder) switchStmt(clauses []ast.Stmt, tests [][]caseTest, prologue func(i int) []ast.Stmt, label types.Object, cur *block) *block {
	outer := b.ctx
	sc := &loopCtx{parent: outer}
	if label != nil {
		b.u.labelCtx[label] = sc
	}
	bodies := make([]*block, len(clauses))
	deflt := -1
	for i, cl := range clauses {
		cc := cl.(*ast.CaseClause)
		if cc.List == nil {
			deflt = i
			continue
		}
		for _, t := range tests[i] {
			cur = b.list(t.pre, cur)
			if cur == nil {
				cur = b.newBlock()
			}
			cur.kind = termIf
			cur.cond = t.cond
			cur.pos = t.pos
			from, i := cur, i
			next := b.newBlock()
			from.succs = []*block{nil, next}
			b.fixups = append(b.fixups, func() { from.succs[0] = bodies[i] })
			cur = next
		}
	}
	last := cur
	if deflt >= 0 {
		b.jumpLater(last, func() *block { return bodies[deflt] })
	} else {
		b.jumpLater(last, func() *block { return sc.brk })
	}
	b.ctx = sc
	saveFall := b.fall
	for i, cl := range clauses {
		cc := cl.(*ast.CaseClause)
		bodies[i] = b.newBlock()
		bodies[i].pos = cc.Pos()
		i := i
		b.fall = func() *block { return bodies[i+1] }
		var pro []ast.Stmt
		if prologue != nil {
			pro = prologue(i)
		}
		end := b.list(append(pro, cc.Body...), bodies[i])
		b.jumpLater(end, func() *block { return sc.brk })
	}
	b.ctx = outer
	b.fall = saveFall
	sc.brk = b.newBlock()
	return sc.brk
}

// refersTo reports whether a break or continue in n names label l.
func refersTo(u *unit, n ast.Node, l types.Object) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if br, ok := m.(*ast.BranchStmt); ok && br.Tok != token.GOTO && u.labelOf(br) == l {
			found = true
		}
		return !found
	})
	return found
}

// hasSite reports whether s contains a registered (normalised) site.
func (b *builder) hasSite(s ast.Node) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && b.u.sites[c] != nil {
			found = true
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SwitchStmt:
			if b.u.switches[n] != nil {
				found = true
			}
		case *ast.TypeSwitchStmt:
			if b.u.typeSwitches[n] != nil {
				found = true
			}
		}
		return !found
	})
	return found
}
