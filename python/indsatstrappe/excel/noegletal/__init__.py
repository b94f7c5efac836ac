"""The Nøgletal workbook: its builder and a module per sheet."""
