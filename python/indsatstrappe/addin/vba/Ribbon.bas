Attribute VB_Name = "Ribbon"
' Knapperne på fanen Indsatstrappen. Hver knap kalder den tilsvarende Python-funktion i
' indsatstrappe.xl.ribbon gennem xlwings (RunPython i xlwings-tilføjelsesprogrammet).
Option Explicit

Private Sub KaldPython(funktion As String)
    Application.Run "'xlwings.xlam'!RunPython", "import indsatstrappe.xl.ribbon as r; r." & funktion & "()"
End Sub

Public Sub OpdaterData(control As IRibbonControl)
    KaldPython "opdater_data"
End Sub

Public Sub HentData(control As IRibbonControl)
    KaldPython "hent_data"
End Sub

Public Sub Valider(control As IRibbonControl)
    KaldPython "valider"
End Sub

Public Sub FordelUdgifter(control As IRibbonControl)
    KaldPython "fordel_udgifter"
End Sub

Public Sub Udsend(control As IRibbonControl)
    KaldPython "udsend"
End Sub

Public Sub Om(control As IRibbonControl)
    KaldPython "om"
End Sub
