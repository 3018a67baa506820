package disclosure

import (
	"math/big"
	"math/rand"
	"testing"
)

func TestDbgCert(t *testing.T) {
	r := rand.New(rand.NewSource(20261207))
	shown := 0
	for i := range 60 {
		free := 2 + r.Intn(39)
		v := free + r.Intn(2*free+1)
		rows := 20 + r.Intn(181)
		g := randomRegion(r, v, free, rows)
		for range 4 {
			coef := map[int]int64{}
			for range 1 + r.Intn(3) {
				coef[r.Intn(v)] = int64(1 + r.Intn(2))
			}
			w := sparse(coef)
			for _, sign := range []int64{1, -1} {
				c := g.dir(w)
				for q := range c {
					c[q] *= float64(sign)
				}
				tf, ok := maximize(g.a, g.b, c, 1)
				if !ok || g.moves(w, sign) || g.certify(w, sign, tf) || g.certifyExactly(w, sign, tf) || shown > 2 {
					continue
				}
				shown++
				obj := 0.0
				for q := range c {
					obj += c[q] * tf[q]
				}
				t.Logf("program %d obj %v", i, obj)
				n := g.dirs.exactN()
				var tmp big.Rat
				tr := make([]*big.Rat, len(tf))
				for q, x := range tf {
					tr[q], ok = simpleFraction(x)
					if !ok {
						t.Logf("  t[%d]=%v no fraction", q, x)
						tr[q] = new(big.Rat)
					}
				}
				z := make([]*big.Rat, len(g.z0))
				for j := range z {
					z[j] = new(big.Rat).SetInt64(g.z0[j])
					for q, x := range n[j] {
						z[j].Add(z[j], tmp.Mul(x, tr[q]))
					}
				}
				for k, row := range g.ineq {
					s := new(big.Rat)
					for kk, j := range row.idx {
						s.Add(s, new(big.Rat).Mul(new(big.Rat).SetInt64(row.coef[kk]), z[j]))
					}
					if s.Cmp(new(big.Rat).SetInt64(g.rhs[k])) > 0 {
						f, _ := s.Float64()
						t.Logf("  ineq %d %v: %s > %d (%g); b=%v", k, row, s.RatString(), g.rhs[k], f, g.b[k])
					}
				}
				for q := range tf {
					t.Logf("  t[%d]=%.10f -> %s", q, tf[q], tr[q].RatString())
				}
			}
		}
	}
}
