/**
 * The token endpoint calls (Nimbus OAuth 2.0 SDK) and the loopback listener of the authorization
 * code flow.
 */
package io.mailbridge.oauth.internal;
