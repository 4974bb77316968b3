// Package deploy holds the files that run iotlens on the schedulers labs
// already have — deploy/slurm/iotlens-array.sbatch (a Slurm job array) and
// deploy/k8s/indexed-job.yaml (a Kubernetes Indexed Job) — and the tests
// that check them: the Kubernetes manifest's shape, and a real one-node
// Slurm cluster running the array job (scripts/test-slurm).
package deploy
