/**
 * Accounts of the native API: Ed25519 account keys and their key files ({@link
 * io.cess.core.account.AccountKeys}), account ids ({@link io.cess.core.account.AccountIds}), and
 * the {@code CESS-ED25519} request signature with its replay protection ({@link
 * io.cess.core.account.RequestSignature}, {@link io.cess.core.account.ReplayCache}). Pure Java on
 * the JDK's Ed25519 provider.
 */
package io.cess.core.account;
