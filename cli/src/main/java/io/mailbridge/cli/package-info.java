/**
 * The {@code mailbridge} command line: one command class per verb turning options into core
 * settings; JSON Lines on stdout, human messages on stderr, exit codes mapped from the error kinds
 * in one place.
 */
package io.mailbridge.cli;
