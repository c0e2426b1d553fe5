/**
 * Tests written from the user's side of the API. Kiln attributes errors, equations and jit labels
 * to the first stack frame outside its own packages ({@code dev.kiln.runtime.*} test classes
 * included), so tests that check "the message points at my line" live outside them, as user code
 * does.
 */
package com.example.runtime;
