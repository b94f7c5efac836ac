Attribute VB_Name = "Indsatstrappe"
' Indsatstrappe: makroer til projektmappen.
' Tallene i projektmappen er almindelige formler og virker uden makroer og uden Python.
Option Explicit

Public Sub VisOm()
    ' Viser version og datakilde, og går til arket Om.
    Dim msg As String
    msg = "Nøgletal for indsatstrapperne" & vbCrLf & vbCrLf & _
          "Kommune: " & ThisWorkbook.Names("ValgtKommune").RefersToRange.Value & vbCrLf & _
          "Alle tal er formler i projektmappen; de virker uden makroer." & vbCrLf & _
          "Kilder, licens og definitioner står på arket Om."
    MsgBox msg, vbInformation, "Indsatstrappe"
    ThisWorkbook.Worksheets("Om").Activate
End Sub

Public Sub GaaTilForside()
    ThisWorkbook.Worksheets("Forside").Activate
End Sub
