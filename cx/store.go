package cx

import (
	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/survey"
)

// Store is everything a [Program] keeps: the composition of every store
// interface of packages cx, culture and survey. Package cx/memstore is the
// in-memory default; package cx/sqlstore keeps the data in SQLite or
// PostgreSQL; package cx/storetest checks any implementation.
//
// Implementations must be safe for concurrent use.
type Store interface {
	UnitStore
	ObservationStore
	culture.FrameworkStore
	culture.IndicatorStore
	culture.InitiativeStore
	culture.RecognitionStore
	survey.SurveyStore
	survey.WaveStore
	survey.ResponseStore
}
