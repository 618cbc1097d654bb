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
//		child1 GFuture   // child futures by value (one field per child type)
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
// "//asyncgo:async". The draft marker "//async" is not accepted (gofmt
// turns it into the prose line "// async"); a doc line "//async" or
// "// async" is reported with the fix. For callees in
// other packages the declaring file is found through the position of the
// types.Func and parsed for comments only, once per file. A suspension point
// is a call of an async function or method, or rt.Await(f). Calls inside
// func literals belong to the literal, not to the enclosing function; a
// func literal containing a suspension point is an "async literal".
//
// # Functions that never suspend (direct.go)
//
// An async function of the package whose body cannot reach a suspension
// point (no rt.Await, no async call into another package, no async
// literal, no go of an async function, and only calls of other such
// functions: the greatest fixed point over the package's call graph) is
// "direct". A call of a direct function is not a suspension point. Its
// bridge is the user's declaration carried over unchanged, and its future
// is a struct of arguments and results whose Poll calls the bridge:
//
//	func mix(h, v uint64) uint64 { ...the user's body... }
//	type mixFuture struct { state int; h, v, r0 uint64 }
//	func (s *mixFuture) Poll(cx *rt.Context) bool { ...; s.r0 = mix(s.h, s.v); return true }
//
// A literal that calls a direct function is still an async literal, so
// that `go func() { mix(1, 2) }()` stays a task.
//
// # Validation (validate.go)
//
// Everything outside the supported subset is reported before any rewriting,
// as file:line:col: message plus a hint, and no file is written. In async
// functions this version lowers straight-line code, if/else chains, for
// loops, switch and type switch statements, range statements (over
// slices, arrays, pointers to arrays, strings, maps, integers, iterator
// functions and iterator methods with a range directive), labels,
// labeled break and continue, goto, fallthrough, defer, panic and
// recover, returns, and go statements of async calls. Statements that
// contain no suspension point are carried over whole. Diagnosed:
// suspension points in select statements, a deferred call that itself
// suspends and suspension points in the body of a deferred func literal
// (suspension points in a deferred call's callee, receiver and arguments
// are spilled before the defer statement, see below); range over a Go
// channel, over a func(yield func() bool), or over a value of type
// parameter type whose core type is not a slice, when the body suspends; async literals anywhere but in
// the positions lowered below; local type declarations of generic functions
// (outside statements carried over whole). Blocking operations in
// async code (time.Sleep, sync.Mutex.Lock, Go channel operations and
// range, select) get a warning: they stall a worker thread.
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
// When the directive's function and its companion are themselves async
// (rt.Timeout => TimeoutOf, rt.TimeoutAt => TimeoutAtOf, sync.Race,
// Select, JoinAll, Join => RaceOf, SelectOf, JoinAllOf, JoinOf), the
// call in async code is a suspension point whose child is the
// companion's future, made by its Async constructor (siteLowering,
// loweredCtor): a companion parameter of type parameter type F gets the
// literal's future by value (type arguments F, T, *F for FuturePtr); an
// interface parameter (rt.Future[T], rt.Pollable) gets a pointer to a new
// variable holding it, and a func value among the literals is wrapped
// with sync.Lift or sync.LiftFunc. Before, such calls were diagnosed:
//
//	v, err := rt.Timeout(d, func() int { return F(1) })
//	=>
//	s.child1 = rt.TimeoutOfAsync[mainFunc2Future, int, *mainFunc2Future](d, mainFunc2Async())
//	... poll s.child1 like any async call; v, err = s.child1.Result()
//
//	i, v := sync.Race(func() string { return G(5) }, f)
//	=>
//	s.child2 = sync.RaceOfAsync[string](new(mainFunc3Async()), sync.Lift(f))
//
// Cancelling the child (timeout, losing branch, enclosing cancel) cancels
// the literal's future: its deferred calls run. The literals' layouts are
// computed innermost first so the enclosing layout can name their types.
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
// A && or || whose right operand does not suspend and that comes before
// a suspension point is spilled whole, so that its right operand stays
// conditional; this holds for plain operands too, since the Go spec
// orders binary logical operations with the calls (a suspension point
// may change the variables they read):
//
//	F(b < 3 || p(b) > 0, A(b))   =>   tmp_1 := b < 3 || p(b) > 0; tmp_2 := A(b); F(tmp_1, tmp_2)
//	F(ok && ready, A(b))         =>   tmp_1 := ok && ready; tmp_2 := A(b); F(tmp_1, tmp_2)
//
// A type assertion to a type that is not pointer-shaped (gc's
// IsDirectIface: not a pointer, map, chan, func or a one-element
// struct or array of one) is an ordered event as well, since gc copies it
// into a temporary at its place: its panic, and its read of the
// operand, come before later calls. A pointer-shaped one stays in place.
//
// (Temporaries are named tmp_N by the layout stage; the declarations
// become assignments to Poll locals or fields like every other
// flattened-level declaration.)
//
// An assignment (= or op=) with calls on its left side (index operands,
// pointer indirections) and a right side that suspends spills both sides
// as one list: Go evaluates the operands on the left and the expressions
// on the right in the usual order, then assigns left to right. Plain
// operands stay in the assignment, which stays one statement, so that gc
// reads them (the slice, the map, the element read by op=) after the
// calls, as it does in the reference build (assign.go):
//
//	xs[i()], *p() = f(), A()    =>   tmp_1 := i(); tmp_2 := p(); tmp_3 := f(); tmp_4 := A()
//	                                 xs[tmp_1], *tmp_2 = tmp_3, tmp_4
//	m[k()] += A()               =>   tmp_1 := k(); tmp_2 := A(); m[tmp_1] += tmp_2
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
// A switch that suspends (in its tag, a case expression or a body)
// becomes a chain of tests in source order followed by the bodies; the tag
// is evaluated once, the case expressions lazily, and the first test that
// holds wins (default is taken when none does, wherever it is written):
//
//	switch x := f(); G(x) {        tmp_1 := G(x)          // spilled as usual
//	case 1, H():           =>      if tmp_1 == 1 { goto body1 }
//		A()                        tmp_2 := H()           // only if the first test failed
//		fallthrough                if tmp_1 == tmp_2 { goto body1 }
//	default:                       goto body2
//		B()                  body1: A(); goto body2     // fallthrough
//	}                        body2: B()                 // break: goto the end
//
// (the tests and bodies are kept beside the new switch statement, in
// unit.switches, for the blocks stage). A type switch that suspends tests
// each type with a comma-ok assertion on a temporary holding the operand;
// a clause's variable is a variable of its own (types.Info.Implicits),
// declared at the top of its body if the body uses it, so it keeps its
// writes across suspension points like any local:
//
//	switch v := y.(type) {         tmp := y
//	case int:                      _, ok_1 := tmp.(int); if ok_1 { goto c1 }
//		A(v)               =>      if tmp == nil { goto c2 }; goto end
//	case nil:                c1:   v := tmp.(int); A(v); goto end
//	}                        c2:   ...
//
// A range statement that suspends becomes a three-clause for loop over
// temporaries, evaluated once; the iteration variables are declared at the
// top of the body, so each iteration has its own (go1.22 semantics):
//
//	for i, v := range xs { B }    =>   tmp_x := xs       // an array is copied once
//	                                   for tmp_i := 0; tmp_i < len(tmp_x); tmp_i++ {
//	                                       i, v := tmp_i, tmp_x[tmp_i]; B
//	                                   }
//
// Over a pointer to an array nothing is copied, and with at most one
// iteration variable the length is the constant and the operand is not
// evaluated, as in Go. Strings decode one rune per iteration with
// utf8.DecodeRuneInString (U+FFFD of width 1 for an invalid byte, as range
// does); the next index is kept in a temporary so that continue reaches
// it. Integers count from 0 in the operand's type. Maps: a snapshot of the
// keys is taken in Go's own iteration order (slices.Collect(maps.Keys(m)),
// so the order stays unspecified), and each key is looked up when reached;
// a key that is no longer present is skipped:
//
//	for k, v := range m { B }     =>   tmp_m := m; tmp_k := slices.Collect(maps.Keys(tmp_m))
//	                                   for tmp_i := 0; tmp_i < len(tmp_k); tmp_i++ {
//	                                       key := tmp_k[tmp_i]
//	                                       val, ok := tmp_m[key]
//	                                       if !ok { continue }   // deleted: never visited
//	                                       k, v := key, val; B
//	                                   }
//
// This is exact for Go's rules: no deleted key is visited, no key twice,
// every key present for the whole loop once, each value read when its key
// is reached; a key added during the loop is not visited, which Go allows.
// (A snapshot plus a presence check was chosen over a reflect.MapIter: no
// reflection, no allocation per key. One difference: a NaN key cannot be
// looked up, so NaN keys are skipped.)
//
// A range over an iterator function that suspends runs the function as a
// pull iterator (iter.Pull, iter.Pull2), whose stop is a deferred call of
// the async function (so return, panic and Cancel stop it) and is called,
// and its deferred entry dropped if it is on top, when the loop ends
// (exhausted or break). stop(p) during a panic p makes the iterator's
// yield panic with p, so the iterator unwinds (runs its deferred calls)
// as it would if the loop body's panic went through it, as in Go:
//
//	for x := range seq { B }      =>   tmp_next, tmp_stop := pull(seq)   // see pullCode in emit.go
//	                                   tmp_depth := len(s.defers)
//	                                   defer tmp_stop(<the panic in flight>)
//	                                   for { x_1, ok := tmp_next(); if !ok { break }; x := x_1; B }
//	                                   tmp_stop(nil); <pop the deferred stop if on top>
//
// A goto, or a break or continue naming a label outside the loop (not the
// loop's own), that leaves the loop's body stops the iterator the same
// way before it jumps (iterexit.go): the branch becomes a block that
// expands to the loop's end, then branches. Loops are lowered innermost
// first, so a branch leaving several of them stops the inner iterator
// first, as Go's range over functions unwinds:
//
//	continue outer   =>   { tmp_stop(nil); <pop the deferred stop if on top>; continue outer }
//
// A range over x.M(args), where M's doc comment carries the directive
// "//asyncgo:range NAME" (rt/sync's Channel.All and Ring.All name
// RecvNext), is a loop on the async step method NAME (same receiver type,
// same parameters, returning M's iterator values and a bool that is false
// at the end): the range statement always suspends, even when its body
// does not, since each step is a suspension point (containsSuspend, the
// never-suspending analysis and the classification of literals see it
// so). M is not called; the receiver (by address for a pointer method on
// a value, as the call would take it) and the arguments are evaluated
// once, in Go's order (rangeby.go):
//
//	for v := range x.All(a) { B }  =>  for tmp_x, tmp_a := x, a; ; {
//	                                       v_1, ok := tmp_x.NAME(tmp_a)   // a suspension point
//	                                       if !ok { break }
//	                                       v := v_1; B
//	                                   }
//
// It is a plain loop: break, continue, labels, goto and return need
// nothing more, and Cancel cancels the in-flight step. In ordinary code
// and the goroutine build M runs as written (its body, ordinary code,
// loops on NAME's blocking bridge), so both builds see the same values.
// A directive that names no suitable method is diagnosed at the range.
//
// # Local constants and types (localdecls.go)
//
// The state machine is a set of package-level declarations, so names
// declared inside the function are not in scope where the code using
// them ends up. Inside async functions and literals, a use of a local
// constant becomes its value, with its type, and the declaration is
// dropped (iota, implicit repetition and shadowing were resolved by the
// type checker):
//
//	const limit = 3; const r = 'x'; const c weekday = 2
//	i < limit; x := r; f(c)    =>   i < 3; x := ('\x00' + 120); f(weekday(2))
//
// (untyped floats are written as exact fractions, (1.0 / 3)). A local
// type of an async function, or of a function with async literals (at
// any depth of its body), is declared at package level before the
// function, from its go/types description, and its declaration dropped:
//
//	func run() { type item struct{ n int }; ... }
//	=>
//	// item is the local type item of function run, declared at package level by asyncgen.
//	type item struct{ n int }
//	func run() { ... }
//
// It keeps its name if no other local type of the package has it and the
// name is free at package level (not declared in the package, in the
// universe, imported by a file, the name of an imported package, or a
// generated ...Future/...Async name); otherwise it gets a fresh mangled
// unexported name (run_item, different from every identifier of the
// package). Names are chosen over the whole package in a fixed order, so
// the generated files of one package agree. (The package's _test.go files
// are not loaded: a package-level name declared only there can collide
// with a kept name in the test build; rename one of them.) This is exact because a
// local type has no methods of its own and is only named inside its
// function (see "Known inexactness" for mangled names). Not hoisted, and
// diagnosed when a field or a Poll local needs them: local types of
// generic functions and methods of generic types (each instantiation
// has its own type), types referring to them, and structs embedding a
// renamed local type (the field's name would change).
//
// # Inlining (inline.go)
//
// After normalisation, a canonical suspension point `x, y := g(args)` (or
// =, or a call statement) whose callee is a small async function of the
// package becomes a copy of g's body: its parameters fresh variables
// assigned from the (already spilled) arguments, each return an
// assignment of the results followed by a goto to a label after the copy,
// where the results are assigned to x, y. The copy is normalised into the
// caller's body and may have calls inlined in turn (up to 4 deep). g
// qualifies when nothing could tell the difference: no defer, recover,
// func literal, go, labels, select, type switch, range over a function,
// local type or constant; not generic, not variadic, not in a cycle of
// async calls, all parameters named, the same loop-variable semantics, a
// body of at most 250 AST nodes, and a body that can return. A run of
// calls that complete at once is then straight-line code in one Poll; g's
// suspension points are the caller's, its locals are fields only if live
// across one, and the caller's struct does not hold g's future. Options
// NoInline turns it off.
//
// # Basic blocks (blocks.go)
//
// The normalised body becomes a graph of basic blocks. Only statements that
// contain a suspension point, and the if/for/switch/block statements around
// them, are flattened; each other statement is carried over whole into the
// current block. A block ends in a jump, a two-way branch, a return, or an
// await: starting a child future, after which control continues in the
// resume block, which is always the next block created and emitted.
//
// Branches: each flattened loop or switch has a context (its break target
// and, for a loop, its continue target), chained to the enclosing one. A
// label of a statement at the flattened level starts a block: the target
// of gotos (forward ones are resolved after the body is built); the
// labeled loop or switch records its context for break L and continue L.
// A carried-over statement containing a branch to a flattened target (an
// unlabeled break or continue that leaves it, a labeled branch or goto to
// a flattened label) ends its block, with the targets as side exits, so
// that the emitter can turn the branch into a goto and liveness sees the
// edge where it leaves. A carried-over labeled statement keeps its label
// only if a break or continue inside it names it.
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
// Loop variables of a 3-clause for loop that suspends are per iteration
// (files at go1.22 and later, types.Info.FileVersions): before the post
// statement, each boxed loop variable becomes a new variable holding the
// value of the previous iteration's, as Go specifies; unboxed ones need
// nothing (nobody can tell them apart). Files before go1.22 keep one
// variable for the whole loop:
//
//	for i := 0; i < n; i++ { ...; fs = append(fs, func() int { return i }) }
//	=>
//	s.i = new(int); (*s.i) = 0
//	... loop body ...
//	s.i = func(v int) *int { return &v }(*s.i)   // new variable, same value
//	(*s.i)++                                      // post statement
//
// Parameters, the receiver and results whose address escapes (&p, a
// closure capturing them, a pointer method on a value) are boxed the same
// way, the constructor allocating them (FFuture{p: &p}): a pointer to
// them stays valid after the caller has dropped the child future.
//
// # Layout (layout.go)
//
// Fields, in order: state, the defer stack (if any), receiver and
// parameters, results, hoisted locals, then the child futures, by value:
// a task is one allocation however deep its chain of async calls. The type
// of a child is FFuture of the callee (with its type arguments), or for
// rt.Await(f) the static type of f. A variable whose type cannot be named
// at package level (a local type that is not hoisted, see localdecls.go)
// cannot be a field or a Poll local: diagnosed.
//
// State size. Only locals live across a suspension point are fields.
// At most one child is in flight at a time, so suspension points whose
// children have the same type share one field. Hoisted locals of identical
// type share a field when the blocks in which they are live or referenced
// are disjoint (escaping locals, whose field is the variable's address,
// never share). When the task suspends at a point, the pointer-bearing
// fields of locals dead there are zeroed (after the child is started, whose
// arguments may read them), so that a parked task pins no garbage:
//
//	buf := read()              s.buf = ...
//	n := len(buf)              s.n = len(s.buf)
//	G()            =>          s.child2 = GAsync()
//	use(n)                     s.buf = nil          // dead at the resume point
//	                       resume2: ...
//
// A call in a cycle of async calls of the package (F calls G calls F) keeps
// its child behind a pointer, allocated at its suspension point, since a
// struct cannot contain itself:
//
//	return fib(n-1) + fib(n-2)  =>  s.child1 = new(fibFuture); *s.child1 = fibAsync(s.n - 1) ...
//
// Type parameters of the struct are the function's, the receiver type's
// for a method of a generic type (TMFuture[K, V], constructor method
// MAsync on the generic receiver), or the enclosing function's for an
// async literal in a generic function (mainFunc1Future[T]).
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
// object of the function. Fields holding numbers or bools (of types without
// pointer methods; not escaping, not results; in functions without defer)
// are cached: loaded into locals when Poll starts and stored back before
// each return of pending (cacheFields), so that straight-line code between
// suspension points computes in registers. A flattened-level declaration becomes an
// assignment (var x T becomes x = zero value). A return anywhere in the
// body, including inside carried-over statements, stores the results and
// finishes:
//
//	return a, b   =>   s.r0, s.r1 = a, b
//	                   s.state = -1
//	                   return true
//
// Falling off the end of the body finishes the same way, unless the body
// ends in a terminating statement (panic, goto, an if/else, switch or
// select whose branches all terminate, a for loop without condition or
// break; see terminates): nothing follows it, as go vet rejects
// unreachable code.
//
// Once a child completes and its results are taken, the field is reset to
// its zero value (s.child1 = GFuture{} above) so that the garbage collector
// does not keep what it pointed to; the reset is left out when the child's
// type holds no pointers (pointerFree; for a state struct of the same
// file, all its fields), since the field is overwritten when a child is
// started again. In a function without suspension points and defers (a
// leaf: its Poll runs it whole, once) the parameters the body assigns are
// copied to locals at the top of Poll (h_1 := s.h) and used from there, so
// that the compiler keeps them in registers instead of storing every update
// to the state struct.
//
// A break or continue of a flattened loop inside a carried-over statement
// becomes a goto of the loop's exit or continue block. Inside async code,
// go F(x) of an async F starts a task, with the arguments evaluated at the
// go statement:
//
//	go F(x)   =>   rt.GoFuture(FAsync(x))
//
// At every suspension point, before the child is polled, the chaos hook
// (rt.ChaosEnv) may make the point pending; the next Poll resumes at the
// same label, so the child, started before the label, is neither started
// twice nor skipped:
//
//	s.child1 = GAsync(x)
//	resume1:
//	if cx.InjectPending() { s.state = 1; return false }
//	if !s.child1.Poll(cx) { s.state = 1; return false }
//
// # Defer, panic, recover and cancellation (emit.go)
//
// A function with defer statements has a defer stack in its state struct,
// a slice of runners, func(p any). A defer statement evaluates the callee
// (a method value binds its receiver) and the arguments at once, into the
// parameters of a function returning the runner. The runner defers the
// call itself, so that a recover() in the callee is called directly by a
// deferred function, then raises the panic in flight, if any, so that the
// call runs while that panic unwinds:
//
//	defer c.show(x)       =>   s.defers = append(s.defers, func(f func(int), a int) func(any) {
//	                               return func(p any) {
//	                                   defer f(a)
//	                                   if p != nil { panic(p) }
//	                               }
//	                           }(s.c.show, s.x))
//
// (package-level functions and builtins are called by name; defer
// recover() thus stays a deferred call of recover, which stops nothing.)
//
// The callee, receiver and arguments of a deferred call may suspend:
// normalise spills them (every call up to the last suspension point, in
// Go's order, deferspill.go) before the defer statement, which then
// defers the call on the temporaries:
//
//	defer mk().log(f(x), G(x))   =>   tmp_1 := mk(); tmp_2 := f(x); tmp_3 := G(x)
//	                                  defer tmp_1.log(tmp_2, tmp_3)
//
// unwind(p) pops and runs the runners, last first, each under a recover
// that yields the panic still in flight after it: a runner whose callee
// recovered returns normally and the panic is over; one that panics anew
// replaces it. Poll becomes a wrapper around the state machine, poll,
// with a deferred function that, if poll panics while deferred calls are
// pending (in the Poll call of the panic, however many Polls after the
// defer statements), recovers it, runs them, and either re-raises what
// is left or completes the future normally, with the (named) results as
// the deferred calls left them:
//
//	func (s *FFuture) Poll(cx *rt.Context) (ready bool) {
//		normal := false
//		defer func() {
//			if !normal && len(s.defers) > 0 {
//				s.state = -1
//				if p := s.unwind(recover()); p != nil { panic(p) }
//				ready = true
//			}
//		}()
//		ready = s.poll(cx)
//		normal = true
//		return ready
//	}
//
// A return stores the results, then runs unwind(nil) (deferred closures
// see and change named results, which are fields). Cancel cancels the
// in-flight child first, then runs unwind(nil): the pending deferred
// calls run once, with recover() returning nil, and no other user code;
// the stack is then empty and state -1, so Cancel is idempotent.
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
// # Known inexactness
//
// Where the compiled build can differ from the goroutine build:
//
//   - a local type whose name is taken at package level (or used by
//     another local type of the package) is declared at package level
//     under a mangled name: %T, %#v and reflect show main.run_item
//     where the goroutine build shows main.item (gc's own name for a
//     local type, main.item·1, cannot be written in Go source);
//   - a range over a map that suspends skips NaN keys (see Spilling);
//   - a panic raised inside an inlined callee (see Inlining) has the
//     caller's Poll in its stack trace where the goroutine build has the
//     callee's frame; the file:line positions are the callee's.
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
