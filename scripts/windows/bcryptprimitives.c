/* Test-environment stub, never shipped: Wine 8 has no bcryptprimitives.dll, whose ProcessPrng
 * Rust's std calls on Windows 10 and later (Windows itself ships the DLL). This one fills the
 * buffer from RtlGenRandom (advapi32's SystemFunction036), Wine's system random source. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
