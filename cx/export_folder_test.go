package cx_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cxculture/cxculture/cx"
	"github.com/cxculture/cxculture/survey"
)

func writeFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return dir
}

func TestReadExportFolder(t *testing.T) {
	units := "unit_id,parent_id,name\norg,,Org\nt1,org,Team 1\nt2,org,Team 2\n"
	items := "item_id,behavior,scale,reverse,text\nq1,agility,likert5,false,One\nq2,agility,likert5,true,Two\nenps,,nps11,false,Recommend\n"
	dir := writeFolder(t, map[string]string{"units.csv": units, "items.csv": items})
	base := survey.Survey{ID: "pulse", Name: "Pulse", Audience: survey.Employee, Version: 1}
	h, s, err := cx.ReadExportFolder(dir, base)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"org", "t1", "t2"}, h.IDs())
	assert.Equal(t, "org", h.Root())
	assert.Equal(t, "pulse", s.ID)
	require.Len(t, s.Items, 3)
	assert.Equal(t, []string{"q1", "q2", "enps"}, []string{s.Items[0].ID, s.Items[1].ID, s.Items[2].ID})
	assert.True(t, s.Items[1].Reverse)
	assert.Equal(t, survey.ENPS, s.Items[2].Construct)

	// Errors name the file.
	_, _, err = cx.ReadExportFolder(writeFolder(t, map[string]string{"units.csv": units}), base)
	assert.True(t, errors.Is(err, fs.ErrNotExist), "missing items.csv: %v", err)
	_, _, err = cx.ReadExportFolder(writeFolder(t, map[string]string{"units.csv": units + "t3,nowhere,Lost\n", "items.csv": items}), base)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "units.csv: "), err.Error())
	assert.ErrorIs(t, err, cx.ErrInvalid)
	_, _, err = cx.ReadExportFolder(writeFolder(t, map[string]string{"units.csv": units, "items.csv": "item_id,scale,text\nq1,nowhere,One\n"}), base)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "items.csv: "), err.Error())
}
