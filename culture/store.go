package culture

import "context"

// FrameworkStore persists the frameworks of the desired culture.
//
// The concurrency, ownership and error rules of [InitiativeStore] apply.
type FrameworkStore interface {
	// CreateFramework stores f, or fails with cx.ErrAlreadyExists if a
	// framework with f.ID is stored.
	CreateFramework(ctx context.Context, f Framework) error
	// GetFramework returns the framework with the given ID, or
	// cx.ErrNotFound.
	GetFramework(ctx context.Context, id string) (Framework, error)
	// ListFrameworks returns every framework ordered by ID.
	ListFrameworks(ctx context.Context) ([]Framework, error)
	// UpdateFramework replaces the stored framework with f.ID, or fails
	// with cx.ErrNotFound.
	UpdateFramework(ctx context.Context, f Framework) error
	// DeleteFramework removes the framework with the given ID, or fails
	// with cx.ErrNotFound.
	DeleteFramework(ctx context.Context, id string) error
}

// IndicatorStore persists behavior indicators.
//
// The concurrency, ownership and error rules of [InitiativeStore] apply.
type IndicatorStore interface {
	// CreateIndicator stores in, or fails with cx.ErrAlreadyExists if an
	// indicator with in.ID is stored.
	CreateIndicator(ctx context.Context, in Indicator) error
	// GetIndicator returns the indicator with the given ID, or
	// cx.ErrNotFound.
	GetIndicator(ctx context.Context, id string) (Indicator, error)
	// ListIndicators returns every indicator ordered by ID.
	ListIndicators(ctx context.Context) ([]Indicator, error)
	// UpdateIndicator replaces the stored indicator with in.ID, or fails
	// with cx.ErrNotFound.
	UpdateIndicator(ctx context.Context, in Indicator) error
	// DeleteIndicator removes the indicator with the given ID, or fails
	// with cx.ErrNotFound.
	DeleteIndicator(ctx context.Context, id string) error
}
