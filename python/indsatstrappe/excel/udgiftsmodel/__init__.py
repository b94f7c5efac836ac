"""The Udgiftsmodel workbook: its input types, builder, sheets and the twins of its formulas."""
