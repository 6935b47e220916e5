// An independent client of the VNPay 2.1.0 protocol (the `vnpay` package on npm), run
// by dichvucong/payments/sandbox/tests/test_vnpay_client.py. Reads one JSON request on
// standard input, writes one JSON answer on standard output.
//
//   build:   {host, tmnCode, secret, params}  -> {url}        (buildPaymentUrl)
//   verify:  {tmnCode, secret, query}          -> {isVerified, isSuccess, vnp_Amount}
//   querydr: {host, tmnCode, secret, params}  -> the library's verified answer (queryDr)
//
// The library formats dates in GMT+7 from the process's local time: run it with TZ=UTC.
import { VNPay, dateFormat, getDateInGMT7 } from 'vnpay';

const input = JSON.parse(await new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => { text += chunk; });
    process.stdin.on('end', () => resolve(text));
}));

const client = new VNPay({
    tmnCode: input.tmnCode,
    secureSecret: input.secret,
    vnpayHost: input.host ?? 'http://127.0.0.1',
    queryDrAndRefundHost: input.host ?? 'http://127.0.0.1',
    hashAlgorithm: 'SHA512',
    endpoints: {
        paymentEndpoint: 'sandbox/vnpay/paymentv2/vpcpay.html',
        queryDrRefundEndpoint: 'sandbox/vnpay/merchant_webapi/api/transaction',
    },
});

const now = getDateInGMT7(new Date());
const gmt7 = (date) => dateFormat(date, 'yyyyMMddHHmmss');
let answer;
switch (process.argv[2]) {
    case 'build': {
        const expires = new Date(now.getTime() + 15 * 60 * 1000);
        const url = client.buildPaymentUrl({
            vnp_CreateDate: gmt7(now),
            vnp_ExpireDate: gmt7(expires),
            ...input.params,
        });
        answer = { url };
        break;
    }
    case 'verify': {
        const result = client.verifyReturnUrl(input.query);
        answer = {
            isVerified: result.isVerified,
            isSuccess: result.isSuccess,
            vnp_Amount: result.vnp_Amount,
        };
        break;
    }
    case 'querydr': {
        answer = await client.queryDr({ vnp_CreateDate: gmt7(now), ...input.params });
        break;
    }
    default:
        throw new Error(`unknown command ${process.argv[2]}`);
}
process.stdout.write(JSON.stringify(answer));
