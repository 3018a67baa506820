package cx

import "time"

// A11Volume counts, for one service, channel and unit over one period,
// the customers served and how many of them were offered the survey: the
// volumes an agency reports beside the survey responses each quarter
// under OMB Circular A-11 Section 280. Responses are counted from the
// responses themselves.
type A11Volume struct {
	// Service is the service provided, such as "passport_renewal".
	Service string `json:"service"`
	// Channel is how it was provided, such as "online", "phone",
	// "in_person".
	Channel string `json:"channel"`
	// Unit is the org unit that provided it; may be empty.
	Unit string `json:"unit,omitempty"`
	// At is a time within the period counted (such as its start); the
	// quarter it falls in is the quarter it is reported in.
	At time.Time `json:"at"`
	// Customers is the number of customers served (the volume).
	Customers int64 `json:"customers"`
	// Offered is the number of customers offered the survey.
	Offered int64 `json:"offered"`
}
