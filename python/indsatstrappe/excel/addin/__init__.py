"""The Excel add-in (Indsatstrappe.xlam): the ribbon tab and the xlwings settings."""
