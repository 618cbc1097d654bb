package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// serverColors fixes each server's bar colour across charts.
var serverColors = map[string]string{
	"asyncgo":    "#2b6cb0",
	"goroutines": "#a0aec0",
	"gnet":       "#dd6b20",
	"tokio":      "#38a169",
	"floor":      "#1a202c",
	"net/http":   "#718096",
	"redis":      "#c53030",
}

// serverOrder is the order of bars within a group and of the legend.
var serverOrder = []string{"asyncgo", "goroutines", "gnet", "tokio", "floor", "net/http", "redis"}

// SVG draws two panels of grouped bars. The first has one group per
// throughput section and one bar per server, the height being the server's
// operations per server CPU-second divided by the goroutine server's (so
// goroutines are 1.0); a dashed line marks 1.0, a dotted one asyncgo's
// 1.3 target. The second, if the run measured idle connections, shows the
// server's bytes per idle connection, with asyncgo's 512-byte target.
// Failed rows and sections without a goroutine row are left out.
func SVG(sections []*Section) string {
	var ratios, idle []group
	for _, s := range sections {
		g := group{label: s.Label}
		for _, srv := range serverOrder {
			switch {
			case s.Kind == Throughput:
				if v, ok := s.Ratio(srv, "goroutines"); ok {
					g.bars = append(g.bars, bar{srv, v})
				}
			case s.Workload == "idle":
				if v, ok := s.Value(s.Row(srv)); ok {
					g.bars = append(g.bars, bar{srv, v})
				}
			}
		}
		if len(g.bars) == 0 {
			continue
		}
		if s.Kind == Throughput {
			ratios = append(ratios, g)
		} else {
			idle = append(idle, g)
		}
	}
	var b strings.Builder
	top := panel{
		title:  "Operations per server CPU-second, relative to goroutines (higher is better)",
		groups: ratios, step: 0.5, min: 1.5, format: "%.2f", axis: "%.1fx",
		lines: []refLine{{1, "#4a5568", "5,3", ""}, {1.3, "#2b6cb0", "2,3", "target 1.3x"}},
	}
	bottom := panel{
		title:  "Server memory per idle connection, bytes (lower is better)",
		groups: idle, step: 1000, min: 1000, format: "%.0f", axis: "%.0f",
		lines: []refLine{{512, "#2b6cb0", "2,3", "target 512 B"}},
	}
	w1, h1 := top.size()
	w2, h2 := 0.0, 0.0
	if len(idle) > 0 {
		w2, h2 = bottom.size()
	}
	W, H := math.Max(w1, w2), h1+h2
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", W, H, W, H)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	top.draw(&b, 0, true)
	if len(idle) > 0 {
		bottom.draw(&b, h1, false)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// bar is one server's value in a group.
type bar struct {
	server string
	v      float64
}

// group is the bars of one section.
type group struct {
	label string
	bars  []bar
}

// refLine is a horizontal reference line across a panel.
type refLine struct {
	v           float64
	color, dash string
	label       string
}

// panel is one chart of grouped bars.
type panel struct {
	title        string
	groups       []group
	step, min    float64 // grid step; the y axis reaches at least min
	format, axis string  // bar value and axis label formats
	lines        []refLine
}

const (
	barW, gap, padL, padR, padT, padB, plotH = 22.0, 26.0, 56.0, 16.0, 54.0, 46.0, 300.0
)

// plotWidth is the width of the bars area.
func (p *panel) plotWidth() float64 {
	w := 0.0
	for _, g := range p.groups {
		w += float64(len(g.bars))*barW + gap
	}
	return math.Max(w, 480)
}

// size is the panel's width and height.
func (p *panel) size() (float64, float64) { return padL + p.plotWidth() + padR, padT + plotH + padB }

// draw writes the panel at vertical offset y0, with the legend if asked.
func (p *panel) draw(b *strings.Builder, y0 float64, legend bool) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	top := p.min
	present := map[string]bool{}
	for _, g := range p.groups {
		for _, br := range g.bars {
			top = math.Max(top, br.v)
			present[br.server] = true
		}
	}
	top = math.Ceil(top*1.1/p.step) * p.step
	plotW := p.plotWidth()
	y := func(v float64) float64 { return y0 + padT + plotH - v/top*plotH }

	w(`<text x="%.0f" y="%.0f" font-size="13" font-weight="bold">%s</text>`+"\n", padL, y0+16, html.EscapeString(p.title))
	if legend {
		lx := padL
		for _, srv := range serverOrder {
			if !present[srv] {
				continue
			}
			w(`<rect x="%.0f" y="%.0f" width="10" height="10" fill="%s"/><text x="%.0f" y="%.0f">%s</text>`+"\n", lx, y0+26, serverColors[srv], lx+14, y0+35, html.EscapeString(srv))
			lx += 14 + 7*float64(len(srv)) + 18
		}
	}
	for v := 0.0; v <= top+1e-9; v += p.step {
		w(`<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#e2e8f0"/>`+"\n", padL, padL+plotW, y(v), y(v))
		w(`<text x="%.0f" y="%.1f" text-anchor="end">`+p.axis+`</text>`+"\n", padL-6, y(v)+4, v)
	}
	for _, l := range p.lines {
		w(`<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="%s"/>`+"\n", padL, padL+plotW, y(l.v), y(l.v), l.color, l.dash)
		if l.label != "" {
			w(`<text x="%.0f" y="%.1f" text-anchor="end" fill="%s">%s</text>`+"\n", padL+plotW, y(l.v)-3, l.color, html.EscapeString(l.label))
		}
	}
	x := padL + gap/2
	for _, g := range p.groups {
		for _, br := range g.bars {
			w(`<rect x="%.1f" y="%.1f" width="%.0f" height="%.1f" fill="%s"><title>%s, %s: `+p.format+`</title></rect>`+"\n",
				x, y(br.v), barW-2, y(0)-y(br.v), serverColors[br.server], html.EscapeString(g.label), br.server, br.v)
			w(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9">`+p.format+`</text>`+"\n", x+(barW-2)/2, y(br.v)-3, br.v)
			x += barW
		}
		w(`<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`+"\n", x-float64(len(g.bars))*barW/2, y0+padT+plotH+16, html.EscapeString(g.label))
		x += gap
	}
	w(`<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#1a202c"/>`+"\n", padL, padL+plotW, y(0), y(0))
}
