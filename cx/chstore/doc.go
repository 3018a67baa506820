// Package chstore keeps a program's responses in a sharded ClickHouse
// cluster, whose shards keep the sums the tallies of a scorecard are
// added up from, and its catalog (units, frameworks, indicators,
// initiatives, surveys, waves, observations) in a SQL database through
// package cx/sqlstore. It imports no driver: package
// cx/chstore/clickhouse opens a store with
// github.com/ClickHouse/clickhouse-go/v2 over ClickHouse's native
// protocol, and with SQLite or PostgreSQL for the catalog.
//
// It is for programs that outgrow one PostgreSQL server: billions of
// answers from many surveys, units and organizations. The README's
// section on choosing a store compares it with the others.
//
// # Layout
//
// The store is given one connection per shard and the name of the cluster
// the shards form in the servers' remote_servers configuration. On every
// shard it creates, in its own database, local tables and Distributed
// tables over them, itself: no DDL is distributed, so no ZooKeeper is
// needed. Rows are spread over the shards by a sharding key, the code of
// the response's unit, exactly as the Distributed tables would spread them
// (the key modulo the shards' total weight); the store writes each shard's
// rows to its local tables. Tallies and segment cuts read each shard's
// local tables and add them up; responses (GetResponse, ListResponses,
// CountResponses), the checks of a write and the patterns computed from
// responses are read through the Distributed tables.
//
//   - responses: one row per response, with everything needed to return
//     it (GetResponse, ListResponses): its answers as two arrays (item
//     codes and values; the column answers gives them as text), its
//     segments as text the cluster can split, the rest of its content in
//     one column;
//   - answers: the long table, one row per answer (unit, wave, item,
//     value), which the cluster makes itself (a materialized view with
//     ARRAY JOIN) from the answers of each response the store writes into
//     a Null table (answers_in);
//   - patterns: per response and reliability group of its survey, the
//     pattern of its answers over the group's items, from which
//     Cronbach's alpha is computed exactly; written as two arrays per
//     response into a Null table (patterns_in), whose rows only feed
//     their sums.
//
// The store thus writes at most one row per response into each of three
// tables, not one per answer: the cluster makes the rest. (A response
// without answers has no row in answers_in, and a response to a survey
// without reliability groups none in patterns_in.) Unit, wave, survey and
// item IDs are written as integer codes of a dictionary kept in the
// catalog, so that every GROUP BY key is a small integer. Materialized
// views sum, on every shard and per batch, the rows the store writes:
// respondents and comments per unit and wave, answers per unit, wave and
// item (a count per value), patterns per wave, group and pattern. The
// version of these tables is recorded in the catalog: a catalog of
// another version is refused ([ErrSchemaNewer], [ErrSchemaOlder]).
//
// # Tallies
//
// Where the grouping happens: the cluster groups the rows as they are
// written (its views GROUP BY each INSERT's rows per batch and key, its
// merges add up rows of equal keys), and a tally adds up, in the process,
// those sums of the batches it sees; the cluster groups at read time only
// the patterns of batches stored before their survey had its reliability
// groups, and the segment cuts (below). No response is read into the
// process, but the rows it reads grow with the number of batches: every
// sums table is ordered by batch too, and no merge adds up rows of
// different batches, so a store written by many small batches
// (CreateResponses called per response or a few) sends the process up to
// about a row per answer; the costs quoted below are those of the
// benchmark's store, written by one import. [Store.TallyResponses]
// computes the [cx.Tallies] of a survey from those sums, read as the
// cluster keeps them: each shard's own tables (answers per batch, unit,
// wave and item, a count per value; respondents and comments per batch,
// unit and wave; patterns per batch, wave, group and pattern) on a
// connection to that shard, every shard at once, each shard's rows added
// up on a goroutine of its own over the batches a read may see, then the
// shards' sums added up (a unit's rows are on one shard but for units an
// earlier count of shards spread; a pattern's are on every shard). A scan
// of the sums sends rows as it reads them, where a GROUP BY sends none
// before it ends; the process adds up the rows the GROUP BY would have
// read (see answers.go and sums.go). Each shard's cells of answers go into the
// tallies as its rows arrive; the patterns are added up by one 64-bit
// integer packing their group, wave and pattern but its last answer, with
// a count per last answer (see keys.go), with widths each read takes from
// the dictionary's largest codes and the survey's scales, the patterns
// that do not fit kept apart, so the tallies are exact for any codes and
// patterns. The patterns of a read that names several waves are read in
// up to four parts of consecutive waves, one after the other, and each
// part is made into tallies while the shards send the next: the map of
// the patterns costs the process about as much as reading their sums, and
// this way most of it is built while the shards work. Patterns of batches
// stored before their survey had its reliability groups are computed from
// the responses by a GROUP BY on the cluster. Nothing is added up in the
// process when responses are written: the process only sorts each shard's
// responses in the order of the key of responses. The tallies equal those
// that [cx.TallyResponses] computes from the same responses in memory; a
// scorecard from the cluster equals the scorecard in memory.
// [Store.TallySegments] counts the cuts by segment with GROUP BY on every
// shard over the stored responses themselves (their segments are kept as
// text the cluster splits, their answers as the two arrays of item codes
// and values, which the cluster joins).
//
// # Batches, and what a read sees
//
// Every write (a call of CreateResponses, an import staged through
// [Store.BeginImport], a deletion) is a batch. The
// catalog numbers it and records its state: pending while its rows are
// written to the shards, then committed (or failed). A batch commits in
// one transaction of the catalog, after all its rows are written; every
// read first reads the batch log (one statement) and keeps only the rows
// of the batches committed then. So a batch is seen whole or not at
// all, by every query, whatever ClickHouse has merged: there are no
// transactions in ClickHouse, and none are needed.
//
//   - Re-importing adds nothing. Response IDs are deterministic (the
//     program derives them from the content when a file has none), and
//     the store looks up the IDs of a batch among the stored responses
//     (with a digest of each response's content kept beside it) before
//     writing: identical responses are skipped, a response stored with
//     different content fails the batch with cx.ErrAlreadyExists, and
//     nothing is written. The store relies on neither ReplacingMergeTree
//     nor insert deduplication (which needs replicated tables in 18.16):
//     a response is stored when the last of its rows (by batch) is a +1
//     row, which holds before and after merges. Writes of one Store are
//     serialized; writes of other processes are detected when a batch
//     commits: a batch committed meanwhile that wrote rows of the same
//     IDs makes the commit fail, and CreateResponses starts again (an
//     import fails, storing nothing, and can be run again).
//   - A failed write is visible and retriable. If writing a batch fails
//     (a server down, a full disk, a cancelled context), the batch is
//     marked failed with the error, its rows stay invisible and are
//     deleted from the shards, and the call returns the error; calling it
//     again with the same responses stores them all. A process killed
//     while writing leaves its batch pending: invisible, listed by
//     [Store.Batches], discarded by [Store.Discard].
//   - Deleting writes a tombstone (the response's ID and keys, none of
//     its answers) and the answers and patterns of the response again
//     with sign -1 into the Null tables, which the long table and the
//     sums take away; its content is later erased from the
//     shards' disks by a mutation, issued for deletions in groups
//     ([Store.Erase]).
//   - Deleting a unit, survey or wave that stored responses refer to is
//     refused, as in the other stores, and so is changing the survey or
//     the fielded version of a wave with responses ([Store.UpdateWave]);
//     the check of the cluster and the write of the catalog are one step
//     for the writes of this Store,
//     not for another process's (no transaction spans the two), though
//     any outcome is that of some order of the two writes, since stores
//     do not check references when responses are written.
//
// # Catalog
//
// The catalog lives in a SQL database, not in the cluster: the units,
// surveys, waves, initiatives and observations are small, they need the
// unique keys and transactions that ClickHouse lacks, and every catalog
// method of package cx/sqlstore (and every one added to it) is the
// store's without being written twice. The store's own tables in that
// database are prefixed cxch_: the dictionary of codes, the batch log,
// the erasures to carry out, the store's identity and schema version. Use SQLite for a store written by one
// process at a time, PostgreSQL for a store shared by several processes
// or machines. A cluster's database and its catalog belong together:
// opening a cluster database with another catalog is refused.
//
// # Differences from the other stores
//
// The conformance suite of package cx/storetest passes, with the cases
// that write through two handles at once (RunHarness): writes of other
// processes are detected at commit. The store claims none of the suite's
// capabilities (storetest.Capabilities), and passes the weaker rules the
// suite checks instead: a reference check and the catalog write it
// guards are not one step for another process's response writes
// (AtomicReferenceChecks), and of two imports of the same responses
// through two handles at once, the one that commits second fails, storing
// nothing, and asks to be run again, instead of waiting for the other
// (SerializedImports). Where the store keeps a promise
// differently, it says so here: a response write and a
// catalog write are never in one transaction (the catalog is another
// database); ListResponses groups the matching rows by ID on every call,
// which makes paging through millions of responses slow (tallies never
// page); and the content of a deleted response leaves the shards' disks
// when the erasure mutation has run, not when DeleteResponse returns.
package chstore
