from trytond.pool import Pool, PoolMeta


class ProductVersion(metaclass=PoolMeta):
    __name__ = 'insurance.product.version'

    @classmethod
    def publish(cls, versions):
        "Move the active contracts on the superseded versions to the new ones"
        pool = Pool()
        Contract = pool.get('insurance.contract')
        superseded = cls.search([
                ('product', 'in', [v.product.id for v in versions]),
                ('state', '=', 'published'),
                ])
        super().publish(versions)
        successor_of_product = {v.product: v for v in versions}
        Contract.follow_product_versions({
                v: successor_of_product[v.product] for v in superseded})
