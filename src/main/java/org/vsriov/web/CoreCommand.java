package org.vsriov.web;

/**
 * A POST with a JSON body on a VF's path that is hot enough to be served below Spring MVC
 * ({@link CommandHandler}): the PF's invalidation, which every delivery starts with. Its controller
 * keeps the mapping and its OpenAPI description, and runs the same {@link #run} for what reaches
 * Spring MVC (a test's mock).
 *
 * @param <B> the body's type, bound by Spring MVC's JSON mapper
 */
public interface CoreCommand<B> {

	/** The path, as the controller maps it: {@code {vfId}} stands for the VF's id, once. */
	String path();

	Class<B> bodyType();

	/**
	 * Runs the command.
	 * @return the 202's body, or a {@link java.util.concurrent.CompletionStage} of it when the
	 *     answer comes later (a fault rule's delay)
	 * @throws org.vsriov.adapter.AdapterException for a refusal, which changes nothing
	 */
	Object run(int vfId, B body);

}
