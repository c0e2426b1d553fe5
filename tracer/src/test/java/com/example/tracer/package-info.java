/**
 * Tests written from the user's side of the API. Kiln attributes errors and equations to the first
 * stack frame outside its own packages ({@code dev.kiln.tracer.*} included), so tests that check
 * "the message points at my line" must live outside them, as user code does.
 */
package com.example.tracer;
