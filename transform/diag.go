package transform

import (
	"fmt"
	"go/token"
	"sort"
	"strings"
)

// A Diagnostic is a problem found in the user's source: something asyncgen
// does not support, or a mistake. It prints as "file:line:col: message",
// followed by an indented hint when there is one.
type Diagnostic struct {
	Pos     token.Position
	Msg     string
	Hint    string
	Warning bool // warnings do not stop translation
}

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s: %s", d.Pos, d.Msg)
	if d.Warning {
		s = fmt.Sprintf("%s: warning: %s", d.Pos, d.Msg)
	}
	if d.Hint != "" {
		s += "\n\thint: " + d.Hint
	}
	return s
}

// Diagnostics is a list of diagnostics; as an error it prints them all,
// one per line, sorted by position.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	ds.Sort()
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Sort sorts the diagnostics by file, line and column.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// HasErrors reports whether ds contains a diagnostic that is not a warning.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if !d.Warning {
			return true
		}
	}
	return false
}

// reporter collects diagnostics for one translation.
type reporter struct {
	fset  *token.FileSet
	diags Diagnostics
}

func (r *reporter) errorf(pos token.Pos, hint, format string, args ...any) {
	r.diags = append(r.diags, Diagnostic{Pos: r.fset.Position(pos), Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (r *reporter) warnf(pos token.Pos, hint, format string, args ...any) {
	r.diags = append(r.diags, Diagnostic{Pos: r.fset.Position(pos), Msg: fmt.Sprintf(format, args...), Hint: hint, Warning: true})
}
