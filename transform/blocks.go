package transform

// This file is the "blocks" stage: the normalised body becomes a graph of
// basic blocks. Only statements that contain a suspension point (and the
// if/for/block statements around them) are flattened into blocks;
// every other statement is carried over whole, as one entry of a block's
// statement list.

import (
	"go/ast"
	"go/token"
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
	loop  *loopCtx   // innermost flattened loop around the block, or nil

	kind  termKind
	succs []*block
	cond  ast.Expr        // termIf
	ret   *ast.ReturnStmt // termReturn; nil for falling off the end
	pos   token.Pos       // position of the terminating statement
	site  *site           // termAwait
	await ast.Stmt        // termAwait: the canonical statement (ExprStmt or AssignStmt)

	resume *site // this block is where site resumes: it starts by polling the child

	// side are the targets of break/continue statements inside the
	// block's last (carried-over) statement; such a statement always
	// ends its block, so that liveness sees the exits at the right place.
	// (The targets are resolved late: they are created after the body.)
	sideBrk, sideCont bool
}

// sides returns the targets of side exits.
func (b *block) sides() []*block {
	var out []*block
	if b.sideBrk {
		out = append(out, b.loop.brk)
	}
	if b.sideCont {
		out = append(out, b.loop.cont)
	}
	return out
}

// edges returns all successors, including side exits.
func (b *block) edges() []*block {
	if !b.sideBrk && !b.sideCont {
		return b.succs
	}
	return append(append([]*block(nil), b.succs...), b.sides()...)
}

// loopCtx gives the targets of break and continue in a flattened loop.
type loopCtx struct {
	brk, cont *block
}

type builder struct {
	loop   *loopCtx // innermost flattened loop being built
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
	bl := &block{id: len(b.blocks), loop: b.loop}
	b.blocks = append(b.blocks, bl)
	return bl
}

func (b *builder) jump(from, to *block) {
	if from != nil {
		from.kind = termJump
		from.succs = []*block{to}
	}
}

// list adds stmts to cur and returns the block control reaches after them,
// or nil if it cannot fall through.
func (b *builder) list(stmts []ast.Stmt, cur *block) *block {
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

func (b *builder) stmt(s ast.Stmt, cur *block) *block {
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
		if cur.loop != nil && s.Label == nil && (s.Tok == token.BREAK || s.Tok == token.CONTINUE) {
			cur.pos = s.Pos()
			// The loop's exit and continue blocks are created after its
			// body: bind the jump when the loop is complete.
			blk, lc, brk := cur, cur.loop, s.Tok == token.BREAK
			blk.kind = termJump
			b.fixups = append(b.fixups, func() {
				if brk {
					b.jump(blk, lc.brk)
				} else {
					b.jump(blk, lc.cont)
				}
			})
			return nil
		}
	}
	if !b.u.find.containsSuspend(s) && !b.hasSite(s) {
		cur.stmts = append(cur.stmts, s)
		if cur.loop != nil {
			brk, cont := loopExits(s)
			cur.sideBrk, cur.sideCont = brk, cont
			if brk || cont {
				next := b.newBlock()
				b.jump(cur, next)
				return next
			}
		}
		return cur
	}
	switch s := s.(type) {
	case *ast.BlockStmt:
		return b.list(s.List, cur)
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
		if s.Init != nil {
			for _, is := range s.Init.(*ast.BlockStmt).List {
				if as, ok := is.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
					for _, l := range as.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							b.u.loopVars[b.u.objOf(id)] = id.Pos()
						}
					}
				}
			}
			cur = b.list(s.Init.(*ast.BlockStmt).List, cur)
			if cur == nil {
				return nil
			}
		}
		outer := b.loop
		head := b.newBlock()
		b.jump(cur, head)
		head.pos = s.Pos()
		lc := &loopCtx{}
		b.loop = lc
		body := b.newBlock()
		bodyEnd := b.list(s.Body.List, body)
		b.loop = outer
		var post *block
		if s.Post != nil {
			post = b.newBlock()
			lc.cont = post
		} else {
			lc.cont = head
		}
		if post != nil {
			postEnd := b.list(s.Post.(*ast.BlockStmt).List, post)
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
	}
	b.r.errorf(s.Pos(), "", "internal error: unexpected statement containing a suspension point")
	cur.stmts = append(cur.stmts, s)
	return cur
}

// hasSite reports whether s contains a registered (normalised) site.
func (b *builder) hasSite(s ast.Node) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && b.u.sites[c] != nil {
			found = true
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		return !found
	})
	return found
}

// loopExits reports whether a carried-over statement contains an
// unlabeled break or continue that leaves it (targets the enclosing
// flattened loop).
func loopExits(s ast.Stmt) (brk, cont bool) {
	var walk func(n ast.Node, breakable, loop bool)
	walk = func(n ast.Node, breakable, loop bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				walk(m, true, true)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(m, true, loop)
				return false
			case *ast.BranchStmt:
				if m.Label == nil && m.Tok == token.BREAK && !breakable {
					brk = true
				}
				if m.Label == nil && m.Tok == token.CONTINUE && !loop {
					cont = true
				}
			}
			return true
		})
	}
	walk(&ast.BlockStmt{List: []ast.Stmt{s}}, false, false)
	return brk, cont
}
