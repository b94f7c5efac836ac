"""The only package that imports xlwings: UDFs, ribbon handlers and the xlwings book port."""
