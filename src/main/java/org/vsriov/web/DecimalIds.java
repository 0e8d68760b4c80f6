package org.vsriov.web;

import java.beans.PropertyEditorSupport;

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
		binder.registerCustomEditor(int.class, new Editor());
		binder.registerCustomEditor(Integer.class, new Editor());
	}

	private static final class Editor extends PropertyEditorSupport {

		@Override
		public void setAsText(String text) {
			if (text.isEmpty()) {
				setValue(null);
				return;
			}
			Integer value = parse(text);
			if (value == null) {
				throw new IllegalArgumentException("not ASCII decimal digits");
			}
			setValue(value);
		}

	}

	/** The value of 1 to 10 ASCII decimal digits that fits an int, or null. */
	static @Nullable Integer parse(String text) {
		// Ten digits reach past Integer.MAX_VALUE; a larger value is refused by the overflow check.
		int length = text.length();
		if (length == 0 || length > 10) {
			return null;
		}
		long value = 0;
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return null;
			}
			value = value * 10 + (c - '0');
		}
		return (value <= Integer.MAX_VALUE) ? Integer.valueOf((int) value) : null;
	}

}
