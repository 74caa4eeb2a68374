"""The static runtime of the generated window steps: it loads a job's plan (JSON + .sql files
written by `trends sparkgen`) and runs it for one or more consecutive windows in one Spark session."""
