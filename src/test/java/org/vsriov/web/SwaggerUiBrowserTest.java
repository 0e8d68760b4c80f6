package org.vsriov.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Swagger UI as a person uses it, in headless Chromium: every tag and operation of
 * {@code /v3/api-docs} is listed with its summary and description, and "Try it out" invalidates
 * blocks of a VF and polls them. Skipped when Debian's chromium and chromium-driver are missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class SwaggerUiBrowserTest {

	// Debian's packages; given explicitly, so Selenium Manager never tries to download a browser.
	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final String MISSING = "Swagger UI browser test skipped: it needs " + CHROMIUM + " and "
			+ CHROMEDRIVER + "; install them with: apt-get install chromium chromium-driver";

	// Generous for a loaded 2-core machine; a passing run waits far less.
	private static final Duration WAIT = Duration.ofSeconds(20);

	// Other test classes share this application context: this VF is drained before use.
	private static final int VF = 2;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static ChromeDriverService service;

	private static WebDriver browser;

	@LocalServerPort
	private int port;

	@Autowired
	private RestTestClient client;

	@BeforeAll
	static void startBrowser(@TempDir Path profile) {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			LogFactory.getLog(SwaggerUiBrowserTest.class).warn(MISSING);
			return; // and each test is skipped with the same message
		}
		service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--no-first-run", "--window-size=1280,1024", "--user-data-dir=" + profile);
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
		if (service != null) {
			service.stop();
		}
	}

	@BeforeEach
	void requireBrowser() {
		assumeTrue(browser != null, MISSING);
	}

	@Test
	void everyTagAndOperationOfTheApiDocsShouldBeListedWithItsSummaryAndDescription() {
		JsonNode docs = apiDocs();
		List<JsonNode> tags = docs.path("tags").valueStream().toList();
		List<Operation> operations = Operation.all(docs);
		assertThat(tags).as("tags in /v3/api-docs").isNotEmpty();
		assertThat(operations).as("operations in /v3/api-docs").isNotEmpty();

		openSwaggerUi();
		for (JsonNode tag : tags) {
			String name = tag.get("name").asString();
			WebElement header = browser.findElement(By.id("operations-tag-" + name));
			assertThat(header.getText()).as("tag " + name).contains(name, tag.get("description").asString());
		}
		// Open every operation, then check them: the page renders them while the clicks go on.
		List<WebElement> blocks = new ArrayList<>();
		for (Operation operation : operations) {
			for (String tag : operation.tags()) {
				blocks.add(open(tag, operation.id()));
			}
		}
		int i = 0;
		for (Operation operation : operations) {
			assertThat(operation.summary()).as(operation + " summary").isNotBlank();
			assertThat(operation.description()).as(operation + " description").isNotBlank();
			for (int n = 0; n < operation.tags().size(); n++) {
				WebElement block = blocks.get(i++);
				assertThat(block.findElement(By.className("opblock-summary-method")).getText()).as(operation + " method")
					.isEqualTo(operation.method());
				assertThat(block.findElement(By.className("opblock-summary-path")).getDomAttribute("data-path"))
					.as(operation + " path")
					.isEqualTo(operation.path());
				assertThat(block.findElement(By.className("opblock-summary-description")).getText())
					.as(operation + " summary")
					.isEqualTo(operation.summary());
				WebElement description = wait(block, By.cssSelector(".opblock-description-wrapper .renderedMarkdown"));
				assertThat(normalized(description.getText())).as(operation + " description")
					.isEqualTo(normalized(operation.description().replace("`", "")));
			}
		}
		// Nothing listed that the API docs do not have (an /error operation, say).
		assertThat(browser.findElements(By.cssSelector(".opblock"))).hasSize(blocks.size());
	}

	@Test
	void tryItOutShouldInvalidateBlocksOfAVfAndPollThem() {
		JsonNode docs = apiDocs();
		Operation invalidate = Operation.find(docs, "POST", "/api/v1/pf/vfs/{vfId}/invalidations");
		Operation poll = Operation.find(docs, "GET", "/api/v1/vfs/{vfId}/invalidations");
		this.client.get().uri("/api/v1/vfs/{vfId}/invalidations?timeout=0", VF).exchange().expectStatus().is2xxSuccessful();
		openSwaggerUi();

		WebElement block = tryItOut(invalidate);
		type(block.findElement(By.cssSelector("tr[data-param-name='vfId'] input")), String.valueOf(VF));
		type(block.findElement(By.cssSelector("textarea.body-param__text")), "{\"blockMask\": \"0x21\"}");
		LiveResponse invalidated = execute(block);
		assertThat(invalidated.status()).isEqualTo("202");
		assertThat(invalidated.body().get("vfId").asInt()).isEqualTo(VF);
		assertThat(invalidated.body().get("pendingMask").asString()).isEqualTo("0x0000000000000021");
		assertPending("0x0000000000000021");

		block = tryItOut(poll);
		type(block.findElement(By.cssSelector("tr[data-param-name='vfId'] input")), String.valueOf(VF));
		type(block.findElement(By.cssSelector("tr[data-param-name='timeout'] input")), "0");
		LiveResponse delivered = execute(block);
		assertThat(delivered.status()).isEqualTo("200");
		assertThat(delivered.body().get("blockMask").asString()).isEqualTo("0x0000000000000021");
		assertThat(delivered.body().get("blocks").toString()).isEqualTo("[0,5]");
		assertThat(delivered.details()).contains("vsriov-cursor");
		// A poll without a cursor acknowledges what it delivers.
		assertPending("0x0000000000000000");
	}

	private JsonNode apiDocs() {
		String docs = this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
			.returnResult(String.class).getResponseBody();
		return JSON.readTree(docs);
	}

	private void assertPending(String mask) {
		this.client.get().uri("/api/v1/pf/vfs/{vfId}", VF).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.pendingMask").isEqualTo(mask);
	}

	private void openSwaggerUi() {
		browser.get("http://localhost:" + this.port + "/swagger-ui.html");
		new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock")));
	}

	private WebElement open(String tag, String operationId) {
		WebElement block = browser.findElement(By.id("operations-" + tag + "-" + operationId));
		if (!block.getDomAttribute("class").contains("is-open")) {
			block.findElement(By.className("opblock-summary-control")).click();
		}
		return block;
	}

	// The config turns "Try it out" on for every operation (a Cancel button then shows); else click it.
	private WebElement tryItOut(Operation operation) {
		WebElement block = open(operation.tags().get(0), operation.id());
		WebElement button = wait(block, By.className("try-out__btn"));
		if (!button.getDomAttribute("class").contains("cancel")) {
			button.click();
		}
		wait(block, By.cssSelector(".try-out__btn.cancel"));
		return block;
	}

	private LiveResponse execute(WebElement block) {
		block.findElement(By.cssSelector("button.execute")).click();
		WebElement status = wait(block, By.cssSelector(".live-responses-table tbody .response-col_status"));
		WebElement details = block.findElement(By.cssSelector(".live-responses-table tbody .response-col_description"));
		String body = details.findElement(By.cssSelector(".highlight-code .microlight")).getText();
		return new LiveResponse(status.getText().trim(), JSON.readTree(body), details.getText());
	}

	private static void type(WebElement field, String text) {
		// Select and delete first: clear() does not reach the React state behind the field.
		field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
		field.sendKeys(text);
	}

	private static WebElement wait(WebElement parent, By locator) {
		return new WebDriverWait(browser, WAIT).until((driver) -> {
			List<WebElement> found = parent.findElements(locator);
			return (found.isEmpty() || !found.get(0).isDisplayed()) ? null : found.get(0);
		});
	}

	private static String normalized(String text) {
		return text.replaceAll("\\s+", " ").trim();
	}

	/** One operation of the OpenAPI document. */
	private record Operation(String method, String path, String id, String summary, String description,
			List<String> tags) {

		static List<Operation> all(JsonNode docs) {
			List<Operation> operations = new ArrayList<>();
			docs.path("paths").properties().forEach((path) -> path.getValue().properties().forEach((method) -> {
				JsonNode operation = method.getValue();
				List<String> tags = operation.path("tags").valueStream().map(JsonNode::asString).toList();
				operations.add(new Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(),
						operation.path("operationId").asString(), operation.path("summary").asString(),
						operation.path("description").asString(), tags));
			}));
			return operations;
		}

		static Operation find(JsonNode docs, String method, String path) {
			return all(docs).stream()
				.filter((operation) -> operation.method().equals(method) && operation.path().equals(path))
				.findFirst()
				.orElseThrow(() -> new AssertionError(method + " " + path + " is not in /v3/api-docs"));
		}

		@Override
		public String toString() {
			return this.method + " " + this.path;
		}

	}

	/** What Swagger UI shows of the server's answer to "Execute". */
	private record LiveResponse(String status, JsonNode body, String details) {
	}

}
