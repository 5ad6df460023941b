; Avault's Windows installer, built by scripts/package.sh (make package) with
; Debian's makensis. After Wails' NSIS template (project.nsi and
; wails_tools.nsh in Wails v2), for Avault's two programs and for one user:
; no administrator rights, installed under %LOCALAPPDATA%\Programs\Avault.
; Defines given on the command line: VERSION, VI_VERSION (N.N.N.N),
; AVAULT_EXE, AVAULT_WINDOW_EXE, WEBVIEW2_SETUP, ICON, OUTFILE.
Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!define PRODUCT "Avault"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Avault"
; WebView2's client id in EdgeUpdate's registry keys.
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

!include "MUI2.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "FileFunc.nsh"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show

VIProductVersion "${VI_VERSION}"
VIFileVersion "${VI_VERSION}"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "The Avault authors"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\avault.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start Avault"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  SetShellVarContext current
  ${IfNot} ${AtLeastWin10}
  ${OrIfNot} ${IsNativeAMD64}
    IfSilent +2
    MessageBox MB_OK|MB_ICONSTOP "Avault needs 64-bit (x64) Windows 10 or later."
    SetErrorLevel 64
    Quit
  ${EndIf}
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

; The WebView2 runtime draws the window: Windows 11 has it, Windows 10 may
; not. Installed for all users (HKLM) or for this one (HKCU) is enough;
; otherwise Microsoft's bootstrapper installs it for this user.
Section "WebView2 runtime"
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  StrCmp $0 "" 0 webview2_ok
  ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  StrCmp $0 "" 0 webview2_ok
  DetailPrint "Installing the WebView2 runtime"
  InitPluginsDir
  SetOutPath "$PLUGINSDIR"
  File "/oname=MicrosoftEdgeWebview2Setup.exe" "${WEBVIEW2_SETUP}"
  ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
  DetailPrint "WebView2 bootstrapper ended with $1"
  webview2_ok:
SectionEnd

Section "Avault"
  ; Quit a running Avault so its programs can be replaced (its data folder,
  ; %AppData%\avault, is not touched).
  IfFileExists "$INSTDIR\avault.exe" 0 +2
    ExecWait '"$INSTDIR\avault.exe" quit'
  SetOutPath "$INSTDIR"
  File "/oname=avault.exe" "${AVAULT_EXE}"
  File "/oname=avault-window.exe" "${AVAULT_WINDOW_EXE}"
  File "/oname=avault.ico" "${ICON}"
  CreateShortcut "$SMPROGRAMS\Avault.lnk" "$INSTDIR\avault.exe" "" "$INSTDIR\avault.ico" 0

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "The Avault authors"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\avault.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

; Removes the programs, the shortcut and the launch-at-login value that
; points at them; the data folder (%AppData%\avault) and the data key in
; the Credential Manager stay, as a reinstall expects them.
Section "Uninstall"
  ExecWait '"$INSTDIR\avault.exe" quit'
  DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "Avault"
  Delete "$SMPROGRAMS\Avault.lnk"
  Delete "$INSTDIR\avault.exe"
  Delete "$INSTDIR\avault-window.exe"
  Delete "$INSTDIR\avault.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd
