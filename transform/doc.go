// Package transform is asyncgen's compiler: it rewrites the //asyncgo:async
// functions of a Go file into resumable state machines ("futures") that run
// on the rt runtime, and carries every other declaration of the file over
// unchanged.
//
// # Theory of Operation
//
// An async function
//
//	//asyncgo:async
//	func F(x int) (int, error) {
//		y := G(x)          // G is async: a suspension point
//		fmt.Println(y)
//		return y + 1, nil
//	}
//
// becomes a state struct holding what must survive a suspension, a lazy
// constructor, the three methods of the future ABI, and F itself, kept as
// the blocking bridge (still marked async, so other packages see it so):
//
//	func F(x int) (int, error) {
//		f := FAsync(x)
//		rt.BlockOn(&f)
//		return f.Result()
//	}
//
//	type FFuture struct {
//		state  int // 0: not started; k > 0: suspended at point k; -1: done
//		x      int       // parameters: always fields
//		r0     int       // results: always fields (named results keep their names)
//		r1     error
//		child1 GFuture   // one child future per suspension point, by value
//	}
//
//	func FAsync(x int) FFuture { return FFuture{x: x} }
//
//	func (s *FFuture) Poll(cx *rt.Context) bool {
//		var y int                  // locals not live across a suspension
//		switch s.state {
//		case 0:
//		case 1:
//			goto resume1
//		default:
//			panic("asyncgen: FFuture.Poll called after completion or Cancel")
//		}
//		s.child1 = GAsync(s.x)     // start the child ...
//	resume1:
//		if !s.child1.Poll(cx) {    // ... and poll it at once
//			s.state = 1
//			return false           // pending: the child has registered cx's waker
//		}
//		y = s.child1.Result()
//		s.child1 = GFuture{}       // drop what the completed child points to
//		fmt.Println(y)
//		s.r0, s.r1 = y+1, nil
//		s.state = -1
//		return true
//	}
//
//	func (s *FFuture) Result() (int, error) { return s.r0, s.r1 }
//
//	func (s *FFuture) Cancel() {
//		switch s.state {
//		case 1:
//			s.child1.Cancel()      // the in-flight child first
//		}
//		s.state = -1               // idempotent
//	}
//
// For a method func (r *T) M(...) the struct is TMFuture, the constructor
// the method r.MAsync(...) (same receiver kind), and the receiver is the
// first field. Type parameters of F are carried over to FFuture and FAsync.
// Generated names that could collide with the user's (the receiver s, the
// context cx, fields, locals) are chosen per function so that they do not:
// a name in use gets a numeric suffix (s_1, tmp_2).
//
// The translation runs in stages, one file each, in this order.
//
// # Finding async functions and suspension points (async.go)
//
// A function is async iff its declaration's doc comment has a line exactly
// "//asyncgo:async" (the older "//async", and "// async", which is what
// gofmt makes of it, are still accepted). For callees in
// other packages the declaring file is found through the position of the
// types.Func and parsed for comments only, once per file. A suspension point
// is a call of an async function or method, or rt.Await(f). Calls inside
// func literals belong to the literal, not to the enclosing function; a
// func literal containing a suspension point is an "async literal".
//
// # Validation (validate.go)
//
// Everything outside the supported subset is reported before any rewriting,
// as file:line:col: message plus a hint, and no file is written. In async
// functions this version lowers straight-line code, if/else chains, for
// loops of the three forms with unlabeled break and continue, returns, and
// go statements of async calls. Statements that contain no suspension point
// (switch, range, select, closures, nested loops, ...) are carried over
// whole. Diagnosed: suspension points in switch, type switch, range and
// select statements and in deferred calls; async literals anywhere but in
// the positions lowered below; defer in async functions; labels and goto;
// local type and const declarations; async methods of generic types; async
// literals in generic functions; calls of async functions that have a
// lowering (rt.Timeout); a call on the left of an assignment whose right
// side suspends; and recursive async calls within the package (a state
// struct cannot contain itself by value; go F(x) is not a cycle). Blocking
// operations in async code (time.Sleep, sync.Mutex.Lock, Go channel
// operations, select) get a warning: they stall a worker thread.
//
// # Async func literals (lits.go)
//
// An async literal is lowered where it is the closure argument of a
// function with an "//asyncgo:lower NAME" directive (rt.Run, rt.Spawn,
// rt.Go: built in while rt's declarations do not carry it yet), or the
// function of a go statement in async code. It becomes a unit of its own,
// named after the enclosing function (mainFunc1Future, mainFunc1Async),
// whose first fields point to the variables it captures, so that they stay
// shared with the enclosing function:
//
//	rt.Run(func() { result = F(n) })
//	=>
//	rt.RunFuture[mainFunc1Future](mainFunc1Async(&result, &n))
//
//	h := rt.Spawn(func() int { return F(k) })
//	=>
//	h = rt.SpawnFuture[fanOutFunc1Future, int](fanOutFunc1Async(s.k))
//
//	go func(id int) { ... }(i)          // in async code
//	=>
//	rt.GoFuture(fanOutFunc2Async(s.mu, s.i))
//
// Inside the literal a captured variable x is (*s.x). In an async
// enclosing function captured variables are boxed (see hoisting), so the
// pointer passed is the field itself.
//
// # Spilling (normalise.go)
//
// Every suspension point is moved out of its expression into a statement of
// one of two forms, F(args) or x, y := F(args), whose arguments do not
// suspend. Go evaluates calls in an expression left to right, so every call
// that comes before the last suspension point (in evaluation order) is
// evaluated into a temporary first; later calls and plain operands stay in
// place, where gc, the reference build, also evaluates them:
//
//	y := f(1) + A(f(2)) + f(3)
//
// becomes
//
//	tmp_1 := f(1)
//	tmp_2 := f(2)
//	tmp_3 := A(tmp_2)           // the canonical form of a suspension point
//	y := tmp_1 + tmp_3 + f(3)
//
// A && or || whose right operand suspends becomes an if, keeping the short
// circuit:
//
//	if x > 0 && A(x) > 1 { ... }
//
// becomes
//
//	tmp_1 := x > 0
//	if tmp_1 {
//		tmp_2 := A(x)
//		tmp_1 = tmp_2 > 1
//	}
//	if tmp_1 { ... }
//
// (Temporaries are named tmp_N by the layout stage; the declarations
// become assignments to Poll locals or fields like every other
// flattened-level declaration.)
//
// A condition that suspends is spilled before its if; for an else-if the
// spill goes into the else block, so it runs only when the earlier
// conditions were false. A loop condition that suspends moves into the body:
//
//	for init; cond; post { body }   =>   for init; ; post { spill(cond); if !cond' { break }; body }
//
// and a post statement that suspends is spilled in place (continue still
// reaches it). The loaded AST is never modified: changed nodes are new,
// unchanged subtrees are shared.
//
// # Basic blocks (blocks.go)
//
// The normalised body becomes a graph of basic blocks. Only statements that
// contain a suspension point, and the if/for/block statements around them,
// are flattened; each other statement is carried over whole into the
// current block. A block ends in a jump, a two-way branch, a return, or an
// await: starting a child future, after which control continues in the
// resume block, which is always the next block created and emitted. A
// carried-over statement containing a break or continue of a flattened loop
// ends its block, with the loop's exit or continue block as a side exit, so
// that the emitter can turn the branch into a goto and liveness sees the
// edge where it leaves.
//
// # Liveness and hoisting (liveness.go)
//
// A backward data-flow over the blocks, keyed by types.Object, computes the
// variables live on entry to each resume block: those are live across a
// suspension point and become fields ("hoisted"); all other locals of the
// flattened level are declared at the top of Poll. Variables whose address
// escapes the current Poll call are hoisted too: those captured by a func
// literal or whose address is taken (&x, x[:] of an array, a pointer method
// called on x). They are "boxed": the field is a *T and each execution of
// the declaration allocates a new variable, so a variable declared in a
// loop body is still a new variable per iteration:
//
//	j := i * 10                 =>   s.j = new(int)
//	                                 (*s.j) = s.i * 10
//
// A func literal capturing boxed variables receives the current pointers,
// so that it keeps referring to the variable of its own iteration:
//
//	fs = append(fs, func() int { return j })
//	=>
//	s.fs = append(s.fs, func(j_p *int) func() int {
//		return func() int { return (*j_p) }
//	}(s.j))
//
// Loop variables of a 3-clause for loop that suspends are one variable for
// all iterations in the generated code; capturing one is diagnosed.
//
// # Layout (layout.go)
//
// Fields, in order: state, receiver and parameters, results, hoisted locals,
// then one child future per suspension point (childK for point K), by value:
// a task is one allocation however deep its chain of async calls. The type
// of a child is FFuture of the callee (with its type arguments), or for
// rt.Await(f) the static type of f. A variable whose type cannot be named
// at package level (a local type) cannot be a field or a Poll local:
// diagnosed.
//
// # Emission (emit.go, astjen.go)
//
// The jennifer code is generated from the blocks: Poll declares its locals,
// dispatches on the state with a switch of gotos, then emits the reachable
// blocks in order with labels only where a goto needs one (resumeK for
// resume points, bN for other jump targets). A jump to the next block falls
// through. All labels are at the top level of Poll and all declarations
// precede them, so no goto jumps into a block or over a declaration.
//
// References to parameters, results and hoisted locals become fields of the
// receiver; other locals keep their name unless it is shared with another
// object of the function. A flattened-level declaration becomes an
// assignment (var x T becomes x = zero value). A return anywhere in the
// body, including inside carried-over statements, stores the results and
// finishes:
//
//	return a, b   =>   s.r0, s.r1 = a, b
//	                   s.state = -1
//	                   return true
//
// A break or continue of a flattened loop inside a carried-over statement
// becomes a goto of the loop's exit or continue block. Inside async code,
// go F(x) of an async F starts a task, with the arguments evaluated at the
// go statement:
//
//	go F(x)   =>   rt.GoFuture(FAsync(x))
//
// Every statement is preceded by an inline line directive, /*line
// main.go:12:2*/, so that panics, runtime.Caller, coverage and compiler
// errors point at the user's source line. (The //line form is indented by
// gofmt and then ignored, so it cannot be used in function bodies.)
//
// Carried-over declarations are converted syntax node by syntax node;
// package-qualified identifiers are emitted with jen.Qual, so jennifer
// writes the imports, under the names the source used. Doc comments are
// kept verbatim, and so are the comments between the statements of
// ordinary functions (a comment on the line of an opening brace moves to
// the next line). After such a comment gofmt puts the line directive on a
// line of its own, so the directive names the line before the statement.
// Comments inside async function bodies and inside expressions are not
// carried over.
//
// # Files and build tags (translate.go)
//
// A source file must require the asyncsrc build tag (//go:build asyncsrc,
// possibly with more conjuncts); the generated file gets the same constraint
// with asyncsrc negated, and the header "// Code generated by asyncgen. DO
// NOT EDIT.". In the -in/-out tree mode the tag is dropped instead (the
// output tree is only built one way), and import paths inside the source
// tree are rewritten to the output tree.
package transform
