package chstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/cx/sqlstore"
)

// Options configure a [Store].
type Options struct {
	// Cluster names the cluster, in the servers' remote_servers
	// configuration, whose shards the Conns given to [New] are; its
	// distributed tables reach every shard. Required.
	Cluster string
	// Database is the ClickHouse database of the store's tables, created
	// on every shard when missing: "cxculture" when empty. Two stores in
	// different databases share nothing.
	Database string
	// Dialect of the catalog database; sqlstore.Detect (the zero value)
	// queries it.
	Dialect sqlstore.Dialect
	// Close makes [Store.Close] close the Conns and the catalog's *sql.DB
	// as well. The opener of package cx/chstore/clickhouse sets it.
	Close bool
}

// catalog is the SQL store the catalog is delegated to. Embedding it under
// this name keeps the field unexported while its methods (units,
// frameworks, indicators, initiatives, surveys, waves, observations) are
// the Store's.
type catalog = sqlstore.Store

// Store is a [cx.Store] and a [cx.TallyStore] whose responses live in a
// sharded ClickHouse cluster and whose catalog lives in a SQL database
// (SQLite or PostgreSQL, through package cx/sqlstore). The package
// documentation describes the layout and the promises kept. Create it with
// [New] (or the opener of package cx/chstore/clickhouse) and release it
// with [Store.Close]. It is safe for concurrent use, also by several
// processes sharing the cluster and the catalog database.
type Store struct {
	*catalog

	db       *sql.DB
	dialect  sqlstore.Dialect
	shards   []Conn // in the order of the cluster's shard numbers
	slots    []int  // slots[k % len(slots)] is the shard of sharding key k
	database string
	cluster  string
	closeAll bool
	next     atomic.Uint32 // the shard that coordinates the next read

	// wmu serializes the response writes of this Store; writes of
	// other processes are detected when a batch commits.
	wmu    sync.Mutex
	closed bool
	names  names
}

var (
	_ cx.Store      = (*Store)(nil)
	_ cx.TallyStore = (*Store)(nil)
)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// New returns a store over a ClickHouse cluster and a catalog database.
//
// shards holds one Conn per shard of the cluster named opts.Cluster, in any
// order: each is asked which shard it is (system.clusters), and every
// shard of the cluster must be given once. New creates the database
// opts.Database and the store's tables on every shard (local tables, and
// distributed tables over them), and the catalog's tables in catalog (the
// tables of package cx/sqlstore and the store's own, prefixed cxch_). It
// needs no ZooKeeper: nothing is replicated and no DDL is distributed.
func New(ctx context.Context, shards []Conn, catalog *sql.DB, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Database == "" {
		o.Database = "cxculture"
	}
	var ps []cx.Problem
	if len(shards) == 0 {
		ps = append(ps, cx.Problem{Field: "shards", Message: "required: one connection per shard of the cluster"})
	}
	if slices.Contains(shards, nil) {
		ps = append(ps, cx.Problem{Field: "shards", Message: "a connection is nil"})
	}
	if catalog == nil {
		ps = append(ps, cx.Problem{Field: "catalog", Message: "required: a *sql.DB of SQLite or PostgreSQL for the catalog"})
	}
	if !identifier.MatchString(o.Cluster) {
		ps = append(ps, cx.Problem{Field: "options.cluster", Message: fmt.Sprintf("%q is not a cluster name: letters, digits and _, as in remote_servers", o.Cluster)})
	}
	if !identifier.MatchString(o.Database) {
		ps = append(ps, cx.Problem{Field: "options.database", Message: fmt.Sprintf("%q is not a database name: letters, digits and _", o.Database)})
	}
	if len(ps) > 0 {
		return nil, &cx.ValidationError{Problems: ps}
	}
	cat, err := sqlstore.New(ctx, catalog, &sqlstore.Options{Dialect: o.Dialect})
	if err != nil {
		return nil, fmt.Errorf("chstore: opening the catalog: %w", err)
	}
	s := &Store{catalog: cat, db: catalog, dialect: cat.Dialect(), database: o.Database, cluster: o.Cluster, closeAll: o.Close}
	if err := s.migrateCatalog(ctx); err != nil {
		return nil, err
	}
	if err := s.placeShards(ctx, shards); err != nil {
		return nil, err
	}
	if err := s.createTables(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// placeShards orders shards by their shard number in the cluster and
// records the weights the distributed tables spread rows by.
func (s *Store) placeShards(ctx context.Context, shards []Conn) error {
	type placed struct {
		conn      Conn
		num       uint32
		weight    uint32
		clusterSz uint64
	}
	var all []placed
	for i, c := range shards {
		rows, err := c.Query(ctx, "SELECT shard_num, shard_weight, (SELECT uniqExact(shard_num) FROM system.clusters WHERE cluster = "+
			quote(s.cluster)+") FROM system.clusters WHERE cluster = "+quote(s.cluster)+" AND is_local = 1 LIMIT 1")
		if err != nil {
			return fmt.Errorf("chstore: asking shard %d which shard of cluster %s it is: %w", i+1, s.cluster, err)
		}
		var p placed
		found := rows.Next()
		if found {
			err = rows.Scan(&p.num, &p.weight, &p.clusterSz)
		}
		err = errors.Join(err, rows.Err(), rows.Close())
		if err != nil {
			return fmt.Errorf("chstore: asking shard %d which shard of cluster %s it is: %w", i+1, s.cluster, err)
		}
		if !found {
			return &cx.ValidationError{Problems: []cx.Problem{{Field: fmt.Sprintf("shards[%d]", i),
				Message: fmt.Sprintf("the server is not a shard of cluster %s in its remote_servers configuration", s.cluster)}}}
		}
		p.conn = c
		all = append(all, p)
	}
	slices.SortFunc(all, func(a, b placed) int { return int(a.num) - int(b.num) })
	for i, p := range all {
		if i > 0 && p.num == all[i-1].num {
			return &cx.ValidationError{Problems: []cx.Problem{{Field: "shards", Message: fmt.Sprintf("two connections reach shard %d of cluster %s", p.num, s.cluster)}}}
		}
		if uint64(len(all)) != p.clusterSz {
			return &cx.ValidationError{Problems: []cx.Problem{{Field: "shards", Message: fmt.Sprintf("cluster %s has %d shards, %d connections were given: give one per shard", s.cluster, p.clusterSz, len(all))}}}
		}
	}
	for i, p := range all {
		s.shards = append(s.shards, p.conn)
		for range p.weight {
			s.slots = append(s.slots, i)
		}
	}
	if len(s.slots) == 0 {
		return &cx.ValidationError{Problems: []cx.Problem{{Field: "shards", Message: fmt.Sprintf("every shard of cluster %s has weight 0", s.cluster)}}}
	}
	return nil
}

// shardOf returns the shard of the rows of a unit: the one a distributed
// table whose sharding key is the unit's code sends them to (the key
// modulo the total weight, shards taking slots in order of their number).
func (s *Store) shardOf(unit uint32) int {
	return s.slots[int(unit%uint32(len(s.slots)))]
}

// coordinator returns the shard that runs the next query on a distributed
// table, taking turns.
func (s *Store) coordinator() Conn {
	return s.shards[int(s.next.Add(1))%len(s.shards)]
}

// Shards returns the number of shards of the cluster.
func (s *Store) Shards() int { return len(s.shards) }

// Close releases the store: it asks the shards to erase the deleted
// responses whose erasure is pending (see [Store.Erase]) and, with
// [Options.Close] set, closes the Conns and the catalog's *sql.DB; the
// data stays in the cluster and the catalog. Close is safe to call more
// than once.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	errs := []error{s.Erase(context.Background())}
	if !s.closeAll {
		return errors.Join(errs...)
	}
	for _, c := range s.shards {
		errs = append(errs, c.Close())
	}
	errs = append(errs, s.db.Close())
	return errors.Join(errs...)
}
