// Package sqlstore keeps a program's data in SQLite or PostgreSQL.
package sqlstore
