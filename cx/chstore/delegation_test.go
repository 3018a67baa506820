package chstore_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cxculture/cxculture/cx/chstore"
)

// delegated are the methods of *chstore.Store that come from the catalog
// (a *sqlstore.Store) unchanged: they concern the catalog only, which the
// SQL store keeps. Every other method must be written in this package.
var delegated = []string{
	"CreateFramework", "CreateIndicator", "CreateInitiative", "CreateObservations", "CreateRecognitions", "CreateSurvey", "CreateWave",
	"DeleteFramework", "DeleteIndicator", "DeleteInitiative", "DeleteObservation", "DeleteRecognition",
	"Dialect",
	"GetFramework", "GetIndicator", "GetInitiative", "GetSurvey", "GetWave",
	"ListFrameworks", "ListIndicators", "ListInitiatives", "ListObservations", "ListRecognitions", "ListOrgChanges", "ListSurveyVersions", "ListSurveys",
	"ListWaves", "RecordOrgChanges",
	"UpdateFramework", "UpdateIndicator", "UpdateInitiative", "UpdateSurvey",
}

// TestNoResponseMethodDelegated fails when the catalog store gains a
// method that the ClickHouse store neither writes itself nor lists as
// delegated: a method on responses or tallies promoted from the SQL store
// would read and write the catalog database's empty response tables
// instead of the cluster. Decide, then list it above or implement it.
func TestNoResponseMethodDelegated(t *testing.T) {
	own := map[string]bool{}
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := star.X.(*ast.Ident); ok && id.Name == "Store" {
					own[fd.Name.Name] = true
				}
			}
		}
	}
	if len(own) == 0 {
		t.Fatal("found no methods of Store in the package's files")
	}
	typ := reflect.TypeFor[*chstore.Store]()
	for i := range typ.NumMethod() {
		m := typ.Method(i).Name
		if !own[m] && !slices.Contains(delegated, m) {
			t.Errorf("(*chstore.Store).%s comes from the catalog's *sqlstore.Store: if it concerns responses or tallies, implement it on the cluster; if it concerns the catalog only, add it to the delegated list", m)
		}
	}
	for _, m := range delegated {
		if own[m] {
			t.Errorf("(*chstore.Store).%s is listed as delegated but written in this package", m)
		}
		if _, ok := typ.MethodByName(m); !ok {
			t.Errorf("(*chstore.Store).%s is listed as delegated but is no method of the store: remove it from the list", m)
		}
	}
}
