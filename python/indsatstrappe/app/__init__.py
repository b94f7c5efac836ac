"""What composes the core into commands and files: it reads a data folder, calls the core, and hands the results
to an edge (io/, excel/, xl/, cli/)."""
