package org.vsriov.web;

import java.beans.PropertyEditorSupport;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Ids and lengths in paths and query parameters are ASCII decimal digits only (API.md). Spring's own
 * conversion takes {@code 0x10}, {@code +3}, {@code " 3"} and digits of any script ({@code ٣}, {@code １}),
 * each of which would name a VF or block the client did not write. An editor, not a converter: a
 * converter's refusal makes Spring fall back to its default editor, which takes them all.
 */
@ControllerAdvice
class DecimalIds {

	@InitBinder
	void decimalDigitsOnly(WebDataBinder binder) {
		binder.registerCustomEditor(int.class, new Editor(DecimalIds::parse));
		binder.registerCustomEditor(Integer.class, new Editor(DecimalIds::parse));
		binder.registerCustomEditor(long.class, new Editor(DecimalIds::parseLong));
		binder.registerCustomEditor(Long.class, new Editor(DecimalIds::parseLong));
	}

	private static final class Editor extends PropertyEditorSupport {

		private final Function<String, @Nullable Object> parser;

		Editor(Function<String, @Nullable Object> parser) {
			this.parser = parser;
		}

		@Override
		public void setAsText(String text) {
			if (text.isEmpty()) {
				setValue(null);
				return;
			}
			Object value = this.parser.apply(text);
			if (value == null) {
				throw new IllegalArgumentException("not ASCII decimal digits");
			}
			setValue(value);
		}

	}

	/** The value of 1 to 10 ASCII decimal digits that fits an int, or null. */
	static @Nullable Integer parse(String text) {
		// Ten digits reach past Integer.MAX_VALUE; a larger value is refused by the overflow check.
		long value = digits(text, 10);
		return (value >= 0 && value <= Integer.MAX_VALUE) ? Integer.valueOf((int) value) : null;
	}

	/** The value of 1 to 18 ASCII decimal digits (always within a long), or null. */
	static @Nullable Long parseLong(String text) {
		long value = digits(text, 18);
		return (value >= 0) ? Long.valueOf(value) : null;
	}

	/** The value of 1 to {@code maxLength} (at most 18) ASCII decimal digits, or -1. */
	private static long digits(String text, int maxLength) {
		int length = text.length();
		if (length == 0 || length > maxLength) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
