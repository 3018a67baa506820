package report

import (
	"fmt"
	"math"
)

// The Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"),
// distinguishable with every common form of color vision deficiency. Charts
// never rely on color alone: marks also differ in shape.
const (
	okBlack      = "#000000"
	okOrange     = "#E69F00"
	okSkyBlue    = "#56B4E9"
	okGreen      = "#009E73"
	okYellow     = "#F0E442"
	okBlue       = "#0072B2"
	okVermillion = "#D55E00"
	okPurple     = "#CC79A7"
)

// hiddenFill is the color of hidden cells, under a hatch pattern.
const hiddenFill = "#d9d9d9"

// viridis holds 9 evenly spaced stops of matplotlib's viridis colormap
// (van der Walt and Smith), perceptually uniform, readable in grey scale
// and with color vision deficiencies.
var viridis = [...][3]float64{
	{0x44, 0x01, 0x54}, {0x47, 0x2d, 0x7b}, {0x3b, 0x52, 0x8b}, {0x2c, 0x72, 0x8e}, {0x21, 0x91, 0x8c},
	{0x28, 0xae, 0x80}, {0x5e, 0xc9, 0x62}, {0xad, 0xdc, 0x30}, {0xfd, 0xe7, 0x25},
}

// sequential returns the viridis color of t in [0, 1] (clamped).
func sequential(t float64) [3]float64 {
	if math.IsNaN(t) {
		t = 0
	}
	t = math.Max(0, math.Min(1, t))
	x := t * float64(len(viridis)-1)
	i := int(math.Floor(x))
	if i >= len(viridis)-1 {
		return viridis[len(viridis)-1]
	}
	f := x - float64(i)
	var c [3]float64
	for k := range c {
		c[k] = viridis[i][k] + f*(viridis[i+1][k]-viridis[i][k])
	}
	return c
}

func hex(c [3]float64) string {
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(c[0])), int(math.Round(c[1])), int(math.Round(c[2])))
}

// inkOn returns black or white, whichever contrasts more with c (WCAG
// relative luminance).
func inkOn(c [3]float64) string {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(c[0]) + 0.7152*lin(c[1]) + 0.0722*lin(c[2])
	// Contrast with white (1.05/(l+0.05)) against black ((l+0.05)/0.05).
	if 1.05/(l+0.05) > (l+0.05)/0.05 {
		return "#ffffff"
	}
	return "#111111"
}
