"""`qmposter build`: the whole poster set as a deterministic list of independent jobs.

A build is unit × template × slogan × format, in that order, each job making one file
(docs/build.md). The list is the same on every machine, so `--shard I/N` can take every
N-th job with no coordination. One concept per module, lower ones first:

- `keys`: what a job's bytes depend on, hashed (the build cache compares these keys);
- `plan`: request → Plan (every Job, in order);
- `job`: one Job → one file, in whatever process runs it;
- `executors`: where jobs run (this process, worker processes, dask);
- `cache`: what earlier builds wrote, so unchanged files are not rendered again;
- `manifest`: manifest.json/.csv, shard parts and their merge;
- `run`: runs a Plan (reuse, render, record) and writes the manifest last.

A build killed at any point leaves only whole files and the next run finishes the rest.
"""
