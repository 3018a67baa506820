package survey

import (
	"context"

	"github.com/google/uuid"
)

// SurveyStore persists survey instruments, every version of each: a
// reworded or rescaled item makes a new version (Survey.Version), and the
// versions that waves fielded are kept so that results are compared only
// across identical items.
//
// Implementations must be safe for concurrent use and must not retain or
// modify the values passed to them or returned by them (slices and maps
// included). Errors are reported in the categories of package cx: an error
// satisfying errors.Is(err, cx.ErrNotFound) or errors.Is(err,
// cx.ErrAlreadyExists). Values are validated and normalized before a store
// sees them (times in UTC, truncated to the microsecond; empty slices and
// maps nil), and a store returns exactly what it was given. Package
// cx/storetest checks implementations.
type SurveyStore interface {
	// CreateSurvey stores s as the first version of survey s.ID, or
	// fails with cx.ErrAlreadyExists if a survey with s.ID is stored.
	CreateSurvey(ctx context.Context, s Survey) error
	// GetSurvey returns the latest version (the highest Version) of the
	// survey with the given ID, or cx.ErrNotFound.
	GetSurvey(ctx context.Context, id string) (Survey, error)
	// ListSurveys returns the latest version of every survey, ordered by
	// ID.
	ListSurveys(ctx context.Context) ([]Survey, error)
	// ListSurveyVersions returns every stored version of the survey with
	// the given ID, ordered by Version, or cx.ErrNotFound.
	ListSurveyVersions(ctx context.Context, id string) ([]Survey, error)
	// UpdateSurvey stores s as version s.Version of survey s.ID: beside
	// the stored versions when it is new, in place of the stored one
	// otherwise. It fails with cx.ErrNotFound when no survey s.ID is
	// stored, and with cx.ErrInvalid, changing nothing, when it would
	// change a version that a stored wave fielded (see
	// [Wave.SurveyVersion]): a fielded version is kept as it was fielded;
	// and when s.Version is new and below the latest stored version:
	// versions are added in order, so that the first version, which a
	// wave without a version fielded, never changes.
	UpdateSurvey(ctx context.Context, s Survey) error
	// DeleteSurvey removes every version of the survey with the given ID.
	// It fails with cx.ErrNotFound when none is stored, and with
	// cx.ErrInvalid, removing nothing, when a stored wave or response
	// refers to the survey.
	DeleteSurvey(ctx context.Context, id string) error
}

// WaveStore persists survey waves.
//
// The concurrency, ownership and error rules of [SurveyStore] apply.
type WaveStore interface {
	// CreateWave stores w, or fails with cx.ErrAlreadyExists if a wave
	// with w.ID is stored.
	CreateWave(ctx context.Context, w Wave) error
	// GetWave returns the wave with the given ID, or cx.ErrNotFound.
	GetWave(ctx context.Context, id string) (Wave, error)
	// ListWaves returns the waves that match f, ordered by Opens, then ID.
	ListWaves(ctx context.Context, f WaveFilter) ([]Wave, error)
	// UpdateWave replaces the stored wave with w.ID, or fails with
	// cx.ErrNotFound. While a stored response refers to the wave, an
	// update that changes its survey or the version of the survey it
	// fielded (as [Wave.Fielded] resolves it) fails with cx.ErrInvalid,
	// changing nothing: the responses were given to what it fielded.
	UpdateWave(ctx context.Context, w Wave) error
	// DeleteWave removes the wave with the given ID. It fails with
	// cx.ErrNotFound when none is stored, and with cx.ErrInvalid,
	// removing nothing, when a stored response refers to the wave.
	DeleteWave(ctx context.Context, id string) error
}

// ResponseStore persists responses.
//
// The concurrency, ownership and error rules of [SurveyStore] apply.
type ResponseStore interface {
	// CreateResponses stores a batch of responses, all or nothing, and
	// returns how many were added. It is idempotent by response ID: a
	// response identical to a stored one (or to an earlier one in the
	// batch) adds nothing and is not an error; a different response under
	// a stored ID fails the whole batch with cx.ErrAlreadyExists, and
	// nothing of the batch is stored.
	CreateResponses(ctx context.Context, rs []Response) (added int, err error)
	// GetResponse returns the response with the given ID, or
	// cx.ErrNotFound.
	GetResponse(ctx context.Context, id uuid.UUID) (Response, error)
	// ListResponses returns the responses that match f, ordered by
	// Submitted, then ID, after skipping f.Offset and up to f.Limit.
	ListResponses(ctx context.Context, f ResponseFilter) ([]Response, error)
	// CountResponses returns the number of responses that match f,
	// ignoring f.Limit and f.Offset.
	CountResponses(ctx context.Context, f ResponseFilter) (int, error)
	// DeleteResponse removes the response with the given ID (for example
	// on a person's erasure request), or fails with cx.ErrNotFound.
	DeleteResponse(ctx context.Context, id uuid.UUID) error
}
