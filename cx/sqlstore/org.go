package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/cxculture/cxculture/culture"
	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

// lockOrg is the cx_locks row of org-history writes.
const lockOrg = "org"

// RecordOrgChanges implements [cx.UnitStore]: in one transaction that
// takes the org lock (so writers, in this process or another, wait for
// each other), reads the history, checks it with [cx.CheckOrgChanges]
// and appends what that returns.
func (s *Store) RecordOrgChanges(ctx context.Context, changes []cx.OrgChange) (int, error) {
	const o = "record org changes"
	added := 0
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockOrg); err != nil {
			return err
		}
		stored, err := listOrg(ctx, tx)
		if err != nil {
			return err
		}
		fresh, err := cx.CheckOrgChanges(stored, changes)
		if err != nil {
			return err
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT max(seq) FROM cx_org_changes").Scan(&last); err != nil {
			return wrap(err, o, "")
		}
		if err := insertOrg(ctx, tx, last.Int64, fresh); err != nil {
			return err
		}
		added = len(fresh)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// insertOrg appends changes with sequence numbers after last.
func insertOrg(ctx context.Context, tx *sql.Tx, last int64, changes []cx.OrgChange) error {
	const o = "record org changes"
	for i, c := range changes {
		doc, err := marshal(o, c)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO cx_org_changes (seq, effective_us, doc) VALUES ($1, $2, $3)",
			last+int64(i)+1, c.Effective.UnixMicro(), doc); err != nil {
			return wrap(err, o, "")
		}
	}
	return nil
}

func listOrg(ctx context.Context, q queryer) ([]cx.OrgChange, error) {
	out, err := listDocs[cx.OrgChange](ctx, q, "list org changes", "SELECT doc FROM cx_org_changes ORDER BY seq")
	for i := range out {
		out[i].Effective = out[i].Effective.UTC()
	}
	return out, err
}

// ListOrgChanges implements [cx.UnitStore].
func (s *Store) ListOrgChanges(ctx context.Context) ([]cx.OrgChange, error) {
	return listOrg(ctx, s.db)
}

// DeleteUnit implements [cx.UnitStore]: in one transaction that takes the
// org and response locks, checks that nothing refers to the unit, and
// writes the history without it.
func (s *Store) DeleteUnit(ctx context.Context, id string) error {
	o := op("delete", "unit", id)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, lockOrg); err != nil {
			return err
		}
		if err := lock(ctx, tx, lockResponses); err != nil {
			return err
		}
		stored, err := listOrg(ctx, tx)
		if err != nil {
			return err
		}
		kept, err := cx.EraseOrgUnit(stored, id)
		if err != nil {
			return err
		}
		why := func(what string) string { return fmt.Sprintf("unit %s cannot be deleted: %s", id, what) }
		if err := referred(ctx, tx, o, "SELECT 1 FROM cx_responses WHERE unit = $1 LIMIT 1", id, why("responses refer to it"), "unit"); err != nil {
			return err
		}
		if err := referred(ctx, tx, o, "SELECT 1 FROM cx_observations WHERE unit = $1 LIMIT 1", id, why("observations refer to it"), "unit"); err != nil {
			return err
		}
		if err := referred(ctx, tx, o, "SELECT 1 FROM cx_recognitions WHERE unit = $1 LIMIT 1", id, why("recognitions refer to it"), "unit"); err != nil {
			return err
		}
		ins, err := listDocs[culture.Initiative](ctx, tx, o, "SELECT doc FROM cx_initiatives ORDER BY start_us, id")
		if err != nil {
			return err
		}
		for _, in := range ins {
			if slices.Contains(in.Units, id) {
				return invalid(o, "unit", why(fmt.Sprintf("initiative %q runs in it", in.Name)))
			}
		}
		waves, err := listDocs[survey.Wave](ctx, tx, o, "SELECT doc FROM cx_waves ORDER BY id")
		if err != nil {
			return err
		}
		for _, w := range waves {
			if _, ok := w.Invited[id]; ok {
				return invalid(o, "unit", why(fmt.Sprintf("wave %s counts people invited in it", w.ID)))
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM cx_org_changes"); err != nil {
			return wrap(err, o, "")
		}
		return insertOrg(ctx, tx, 0, kept)
	})
}
