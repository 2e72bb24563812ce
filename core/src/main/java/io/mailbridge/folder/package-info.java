/**
 * Folder management: list folders with their special use and counts, create and delete them ({@link
 * io.mailbridge.folder.Folders}); folder names are Unicode to the user and modified UTF-7 on the
 * wire.
 */
package io.mailbridge.folder;
