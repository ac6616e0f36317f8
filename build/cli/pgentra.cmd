@echo off
rem The `pgentra` command shipped with the tray app (resources\cli\pgentra.cmd). pgAdmin's
rem PasswordExecCommand runs it for a token. It starts the bundled CLI with the system's Node.js
rem (20 or newer): the app binary cannot act as Node, the RunAsNode fuse is off (build/fuses.cjs).
rem Node is looked up as: %PGENTRA_NODE%, node.exe on PATH, then the default install folder.
setlocal
set "PGENTRA_NODE_EXE=%PGENTRA_NODE%"
if not defined PGENTRA_NODE_EXE for %%N in (node.exe) do set "PGENTRA_NODE_EXE=%%~$PATH:N"
if not defined PGENTRA_NODE_EXE if exist "%ProgramFiles%\nodejs\node.exe" set "PGENTRA_NODE_EXE=%ProgramFiles%\nodejs\node.exe"
if not defined PGENTRA_NODE_EXE goto :nonode
"%PGENTRA_NODE_EXE%" "%~dp0bin\pgentra.cjs" %*
exit /b %ERRORLEVEL%
:nonode
>&2 echo pgentra: the pgentra command needs Node.js 20 or newer. Install it, or set PGENTRA_NODE to its path.
exit /b 5
