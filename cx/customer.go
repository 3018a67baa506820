package cx

import (
	"fmt"
	"strconv"
	"strings"
)

// prepareCustomers prepares the customer panels of p, each inheriting
// what it leaves unset from p, and returns them by survey ID.
func (p *Panel) prepareCustomers() (map[string]*Panel, error) {
	out := make(map[string]*Panel, len(p.Customer))
	var ps problems
	for i, c := range p.Customer {
		f := "panel.customer[" + strconv.Itoa(i) + "]"
		switch {
		case c == nil:
			ps.add(f, "nil panel")
			continue
		case c.Survey.ID == p.Survey.ID:
			ps.add(f+".survey", fmt.Sprintf("survey %q is the panel's own survey", c.Survey.ID))
			continue
		case out[c.Survey.ID] != nil:
			ps.add(f+".survey", fmt.Sprintf("survey %q appears twice", c.Survey.ID))
			continue
		case len(c.Customer) > 0:
			ps.add(f+".customer", "a customer panel has no customer panels of its own")
			continue
		}
		sub := *c
		if sub.Hierarchy == nil {
			sub.Hierarchy = p.Hierarchy
		}
		if sub.Privacy == nil && sub.Disclosure == nil && sub.MinGroup == 0 {
			switch {
			case p.Privacy != nil:
				sub.Privacy = p.Privacy
			case p.Disclosure != nil:
				rules := p.Disclosure.Privacy()
				sub.Privacy = &rules
			default:
				sub.MinGroup = p.MinGroup
			}
		}
		if sub.Level == 0 {
			sub.Level = p.Level
		}
		if sub.Behaviors == nil {
			sub.Behaviors = p.Behaviors
		}
		q, err := sub.prepare()
		if err != nil {
			if ve, ok := err.(*ValidationError); ok {
				for _, pr := range ve.Problems {
					ps.add(f+"."+strings.TrimPrefix(pr.Field, "panel."), pr.Message)
				}
				continue
			}
			return nil, err
		}
		out[c.Survey.ID] = q
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}
