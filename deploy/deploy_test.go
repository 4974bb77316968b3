package deploy

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/iotlens/iotlens/internal/testutil"
)

func TestIndexedJobManifest(t *testing.T) {
	b, err := os.ReadFile("k8s/indexed-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Kind string
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Template       struct {
				Spec struct {
					Containers []struct {
						Args []string
						Env  []struct{ Name, Value string }
					}
				}
			}
		}
	}
	if err := yaml.Unmarshal(b, &job); err != nil {
		t.Fatal(err)
	}
	c := job.Spec.Template.Spec.Containers
	if job.Kind != "Job" || job.Spec.CompletionMode != "Indexed" || len(c) != 1 {
		t.Fatalf("not an Indexed Job: %+v", job)
	}
	if !strings.Contains(strings.Join(c[0].Args, " "), "--shard auto") {
		t.Fatal("the container must run iotlens with --shard auto")
	}
	found := false
	for _, e := range c[0].Env {
		if e.Name == "IOTLENS_SHARDS" && e.Value == strings.TrimSpace(strings.Split(strings.Split(string(b), "completions:")[1], "\n")[0]) {
			found = true
		}
	}
	if !found {
		t.Fatal("IOTLENS_SHARDS must equal .spec.completions")
	}
}

// TestSlurmArrayJob runs scripts/test-slurm: a one-node Slurm cluster on
// this machine runs deploy/slurm/iotlens-array.sbatch over the MADEA
// captures in 4 shards for destinations and summary, and the merged outputs
// must equal the single-machine ones. It needs root and slurm-wlm + munge
// (.ci/run installs them); elsewhere it is skipped with a message.
func TestSlurmArrayJob(t *testing.T) {
	testutil.FixturesDir(t)
	_, err := exec.LookPath("slurmctld")
	switch {
	case err != nil && os.Getenv("CI") == "true":
		t.Fatal("slurm-wlm is not installed; .ci/run installs it with apt-get")
	case err != nil:
		t.Skip("slurm-wlm not installed: skipping the real Slurm test (scripts/test-slurm installs it as root)")
	case os.Geteuid() != 0:
		t.Skip("the Slurm test starts munged, slurmctld and slurmd: it needs root")
	}
	cmd := exec.Command("bash", "../scripts/test-slurm")
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("scripts/test-slurm: %v", err)
	}
	if strings.Count(string(out), "== single machine (identical)") != 2 {
		t.Fatal("both commands must merge to the single-machine outputs")
	}
}
