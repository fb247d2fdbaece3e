/**
 * The pure building blocks of the S3-compatible gateway: request authentication with AWS Signature
 * Version 4 and the integrity checks of request bodies, with no HTTP library in sight.
 *
 * <p>How a request goes through them:
 *
 * <ol>
 *   <li>The HTTP layer makes an {@link io.cess.core.s3.S3Request} of the raw path, the decoded
 *       query and every header the client sent ({@code Host}, {@code Content-Length}, {@code
 *       Content-Type} and {@code Content-Encoding} included: clients sign them).
 *   <li>{@link io.cess.core.s3.SigV4#verify} checks the signature (header or presigned URL) and
 *       returns a {@link io.cess.core.s3.VerifiedRequest}, or throws an {@link
 *       io.cess.core.s3.S3AuthException} whose code and status go into the XML error.
 *   <li>The body: if {@link io.cess.core.s3.ContentSha256#isStreaming()}, through {@link
 *       io.cess.core.s3.AwsChunkedDecoder}, whose trailers may carry a checksum; otherwise digested
 *       as it streams and checked at the end with {@link io.cess.core.s3.ContentSha256#verify}.
 *       {@code Content-MD5} is parsed before the body ({@link
 *       io.cess.core.s3.ETags#parseContentMd5}) and checked after; a flexible checksum ({@link
 *       io.cess.core.s3.ChecksumAlgorithm}) is computed with a {@link
 *       io.cess.core.s3.RunningChecksum} and checked with {@link io.cess.core.s3.Checksums#verify}.
 *   <li>Only when every check has passed does the object become visible, with its {@link
 *       io.cess.core.s3.ETags} ETag.
 * </ol>
 */
package io.cess.core.s3;
